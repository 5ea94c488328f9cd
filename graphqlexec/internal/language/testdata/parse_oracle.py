"""Differential oracle for package language: graphql-core 3.2.8's parser.

Usage: parse_oracle.py CORPUS.txt > parse-oracle.jsonl
       parse_oracle.py --values VALUES.txt > value-oracle.jsonl

Corpus format: entries separated by lines that are exactly "---"; an entry
is the document text with surrounding newlines trimmed, or, when its first
line is "#!json", the JSON string on its following lines (for text that
needs exact bytes: \\r, BOM, trailing blanks, control characters).

Output: one JSON object per entry, in order:
  {"source": S, "errors": [{"message": M, "locations": [[line, column]]}]}
  {"source": S, "print": print_ast(document), "nodes": [[kind, start], ...]}
  {"source": S, "crash": "IndexError"}   (graphql-core raised a non-GraphQL error)
With --values each entry is a single literal, read by parse_value (variables
allowed) and printed by print_ast; "nodes" is then left out.
"nodes" lists every AST node but the document, as (kind, loc.start in code
points), in the order graphql-core's visit() enters them.
"""

import json
import sys

import graphql
from graphql import GraphQLError, parse, parse_value, print_ast
from graphql.language import Node, Visitor, visit

assert graphql.version == "3.2.8", graphql.version


def entries(text):
    out, cur = [], []
    for line in text.split("\n"):
        if line == "---":
            out.append("\n".join(cur))
            cur = []
        else:
            cur.append(line)
    if "\n".join(cur).strip():
        out.append("\n".join(cur))
    docs = []
    for e in out:
        e = e.strip("\n")
        if e.startswith("#!json\n"):
            e = json.loads(e[len("#!json\n"):])
        docs.append(e)
    return docs


class Collect(Visitor):
    def __init__(self):
        super().__init__()
        self.nodes = []

    def enter(self, node, *_args):
        if isinstance(node, Node) and node.kind != "document":
            self.nodes.append([node.kind, node.loc.start])


def main():
    values = sys.argv[1] == "--values"
    with open(sys.argv[-1], encoding="utf-8") as f:
        corpus = f.read()
    for src in entries(corpus):
        out = {"source": src}
        try:
            doc = parse_value(src) if values else parse(src)
        except GraphQLError as e:
            out["errors"] = [
                {
                    "message": e.message,
                    "locations": [[l.line, l.column] for l in e.locations or []],
                }
            ]
        except Exception as e:  # graphql-core bugs: IndexError at the end
            out["crash"] = type(e).__name__
        else:
            out["print"] = print_ast(doc)
            if values:
                print(json.dumps(out, ensure_ascii=False))
                continue
            c = Collect()
            visit(doc, c)
            out["nodes"] = c.nodes
        print(json.dumps(out, ensure_ascii=False))


main()
