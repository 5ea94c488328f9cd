# Oracle for pyjson's differential test: reads JSON lines {"b": <base64 body>}
# and answers one JSON line per body with what CPython's json module does with
# it, the way FastAPI uses it (json.loads of the bytes, then the compact
# response encoding, and json.dumps with defaults).
#
# Bodies are decoded inside an asyncio task, as FastAPI does, because the
# C recursion budget json.loads can spend depends on the caller's C stack.
import asyncio
import base64
import json
import sys


def judge(b):
    try:
        v = json.loads(b)
    except json.JSONDecodeError as e:
        return {"k": "syntax", "msg": e.msg, "pos": e.pos, "str": str(e)}
    except UnicodeDecodeError:
        return {"k": "encoding"}
    except RecursionError:
        return {"k": "depth"}
    except ValueError as e:
        return {"k": "value", "msg": str(e)}
    r = {"k": "ok"}
    try:
        r["repr"] = repr(v)
    except (RecursionError, ValueError):  # deep nesting; ints over 4300 digits
        r["repr_err"] = True
    try:
        text = json.dumps(v, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        r["compact"] = base64.b64encode(text.encode("utf-8")).decode()
    except RecursionError:
        r["dumps_depth"] = True
    except ValueError as e:  # UnicodeEncodeError is a ValueError too
        r["compact_err"] = type(e).__name__
    try:
        r["spaced"] = json.dumps(v)
    except RecursionError:
        r["dumps_depth"] = True
    return r


async def main():
    sys.stdout.write(json.dumps({"version": list(sys.version_info[:2])}) + "\n")
    for line in sys.stdin:
        sys.stdout.write(json.dumps(judge(base64.b64decode(json.loads(line)["b"]))) + "\n")


asyncio.run(main())
