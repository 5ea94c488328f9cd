"""Run the bridge's tests: python -m tests (from pybridge/python).

Prints one line per test and a summary in which a skipped test is listed
with its reason and never counted as passing. Exit status 1 on any failure
or error.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import unittest
from pathlib import Path


def borrow_graphql_core() -> str:
    """graphql-core is pure Python. When this interpreter has none and
    FRAISEQL_TEST_GRAPHQL_CORE names another interpreter's `graphql` package
    directory, put that package alone (a symlink in a temporary directory)
    on sys.path, so the conversion tests run here too."""
    try:
        import graphql  # noqa: F401
        return ""
    except ImportError:
        pass
    src = os.environ.get("FRAISEQL_TEST_GRAPHQL_CORE", "")
    if not src or not Path(src, "__init__.py").is_file():
        return ""
    holder = tempfile.mkdtemp(prefix="fraiseql-graphql-core-")
    os.symlink(src, os.path.join(holder, "graphql"))
    atexit.register(shutil.rmtree, holder, True)  # removes the link, never the package
    sys.path.append(holder)
    return src


def main() -> int:
    borrowed = borrow_graphql_core()
    here = Path(__file__).resolve().parent
    suite = unittest.defaultTestLoader.discover(str(here), top_level_dir=str(here.parent))
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stderr).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped) - len(result.expectedFailures)
    version = ".".join(map(str, sys.version_info[:3]))
    if borrowed:
        print(f"python {version}: graphql-core borrowed from {borrowed}")
    print(f"python {version}: {passed} passed, {failed} failed, {len(result.skipped)} skipped (not counted)")
    for test, reason in result.skipped:
        print(f"  skipped {test.id()}: {reason}")
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
