#!/usr/bin/env python3
"""protocol_codes — finds in lkip's C sources every name a client can receive on the wire and
checks that docs/PROTOCOL.md names each one, so that the document cannot drift from the code.

Categories (each found by reading the sources, never from a list kept by hand):
  replies   Reply.code of every refusal and answer: the string after a status argument
            (LKIP__STATUS__*, a 2xx-5xx number, or `status`) in any call in daemon/ and common/
            (cmd_reply, batch_reply_plain, the engine's s_refuse, ...)
  cells     CellError.code of a refused data file (unit data, PK, XLSX): the code argument of the
            report parsers' error functions and every `code = "..."` there; a file refused for
            one whole-file problem carries that code as its Reply.code too
  events    Event.kind: the names of common/eventkind.c (EventKind), the engine's notifications,
            `kind = "..."` in daemon/, the timer kinds
  requests  every request of the Envelope (its field name in proto/lkip.proto)
  statuses  every value of the Status enum (its number)

A call whose code argument is neither a literal nor a known pass-through stops the script with
an error, so that a new way of making codes is noticed here rather than missed.

  protocol_codes.py list CATEGORY            prints what the sources hold, one per line
  protocol_codes.py check [--doc FILE] [CATEGORY...]
                                             exit 1 (listing them) when FILE lacks any
Run from anywhere; LKIP_SRCDIR (default: this file's repository) names the sources.
"""

import glob
import os
import re
import sys

ROOT = os.environ.get("LKIP_SRCDIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                     "..", "..")

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
STATUS_ARG_RE = re.compile(r"LKIP__STATUS__[A-Z_]+|^[2-5][0-9][0-9]$|^(res\.|r->|o->)?status$")
NUMBER_RE = re.compile(r"^[0-9]+$")
# Code arguments that pass on a code chosen elsewhere, and where that elsewhere is covered:
# the engine's refusals (its s_refuse calls, in `replies`), a parser's error (in `cells`), a
# helper's own parameter (its callers are scanned).
PASS_THROUGH = {"res.code", "e->code", "code"}
# Pass-throughs known only in one function: the set-oriented batch path (daemon/stepset.c)
# records in the audit the code of a reply already made (`r` is its `ctx->reply`, filled by
# cmd_reply and the engine's refusals, whose calls are scanned); cmd_reply_outcome answers with
# an outcome's code (`o`, daemon/outcome.h), set by outcome_say, whose calls are scanned.
PASS_THROUGH_IN = {"db_auditset_refused": {"r->code"}, "db_auditset_accepted": {"r->code"},
                   "cmd_reply": {"o->code"}}
# Helpers whose argument after the status is a word of the message ("ditambahkan"); the code
# they answer with is their own cmd_reply's.
MESSAGE_HELPERS = {"s_reply_org", "s_reply_unit"}

# The report parsers' error functions: name -> index of their code argument.
CELL_FUNCS = {
    "report/unitdata.c": {"s_error": 4, "s_cell_error": 3},
    "report/pk.c": {"s_error": 5, "s_cell_error": 3},
    "report/unitfmt.c": {"s_file_error": 1, "s_cell_error": 3},
    "report/xlsx_read.c": {"s_fail": 2},
    "*": {"unitdata_add_error": 5},
}
CELL_FILES = ["report/unitdata.c", "report/pk.c", "report/unitfmt.c", "report/xlsx_read.c",
              "daemon/cmd_submit.c", "daemon/cmd_pk.c"]


class Failure(Exception):
    pass


def strip_comments(text):
    """The C text without comments; string and character literals kept as they are."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            start = i
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" " + "\n" * text.count("\n", start, i))  # keep line numbers
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_args(text, start):
    """The arguments of the call whose '(' is at start, split at top-level commas."""
    args, depth, cur, i = [], 0, [], start + 1
    while i < len(text):
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            cur.append(text[i:j + 1])
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                args.append("".join(cur).strip())
                return args
            depth -= 1
        elif c == "," and depth == 0:
            args.append("".join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    return args


def calls(text):
    """Every (name, args, line) of a call-like `name(` in text (definitions included)."""
    for m in re.finditer(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(", text):
        if m.group(1) in ("if", "while", "for", "switch", "return", "sizeof"):
            continue
        yield m.group(1), split_args(text, m.end() - 1), text.count("\n", 0, m.start()) + 1


def literals(arg):
    """The string literals of an argument, adjacent ones joined as the compiler joins them."""
    return re.findall(r'"((?:[^"\\]|\\.)*)"', re.sub(r'"\s+"', "", arg))


def source(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return strip_comments(f.read())


def code_literals(arg, where, func=None):
    """The codes an argument holds: its literals (a ternary may hold two); none for a known
    pass-through (of any call, or of the call func); anything else is an error."""
    lits = literals(arg)
    found = [s for s in lits if CODE_RE.match(s)]
    if found:
        return found
    if lits or arg in PASS_THROUGH or arg in PASS_THROUGH_IN.get(func, ()):  # a helper's message after its status, or a pass-through
        return []
    raise Failure("%s: code argument `%s` is neither a literal nor a known pass-through; teach "
                  "tests/tools/protocol_codes.py where its codes come from" % (where, arg))


def reply_codes():
    codes = set()
    files = sorted(glob.glob(os.path.join(ROOT, "daemon", "*.c")) +
                   glob.glob(os.path.join(ROOT, "common", "*.c")))
    for path in files:
        rel = os.path.relpath(path, ROOT)
        text = source(rel)
        for name, args, line in calls(text):
            if name in MESSAGE_HELPERS:
                continue
            for k in range(len(args) - 1):
                if not STATUS_ARG_RE.search(args[k]) or args[k].startswith(("int ", "const ")):
                    continue
                if literals(args[k]):
                    continue  # a message that names a status, not a status argument
                if NUMBER_RE.match(args[k]) and not literals(args[k + 1]):
                    continue  # a number that is no status (a limit, a count)
                codes.update(code_literals(args[k + 1], "%s:%d %s()" % (rel, line, name), name))
                break
    return codes


def cell_codes():
    codes = set()
    for rel in CELL_FILES:
        text = source(rel)
        funcs = dict(CELL_FUNCS.get("*", {}))
        funcs.update(CELL_FUNCS.get(rel, {}))
        for name, args, line in calls(text):
            idx = funcs.get(name)
            if idx is None or len(args) <= idx or args[idx].startswith("const "):
                continue  # not one of them, or its definition
            codes.update(code_literals(args[idx], "%s:%d %s()" % (rel, line, name)))
        for m in re.finditer(r"\bcode\s*=\s*\"([a-z][a-z0-9_]*)\"", text):
            codes.add(m.group(1))
    return codes


def event_kinds():
    kinds = set()
    # the one table of kinds (EventKind's names), which every event lkipd makes goes through
    m = re.search(r"s_names\[\]\s*=\s*\{([^}]*)\}", source("common/eventkind.c"))
    if not m:
        raise Failure("common/eventkind.c: the table of event kinds (s_names) was not found")
    kinds.update(literals(m.group(1)))
    text = source("daemon/engine.c")
    for name, args, line in calls(text):
        if name == "s_notify" and len(args) > 1:
            kinds.update(literals(args[1]))
    for path in sorted(glob.glob(os.path.join(ROOT, "daemon", "*.c"))):
        rel = os.path.relpath(path, ROOT)
        text = source(rel)
        for m in re.finditer(r"\bkind\s*=\s*\"([a-z_]+)\"", text):
            kinds.add(m.group(1))
        for name, args, line in calls(text):
            if name == "s_event" and len(args) > 2:
                kinds.update(literals(args[2]))
    m = re.search(r"s_kinds\[\]\s*=\s*\{([^}]*)\}", source("daemon/db_timers.c"))
    if not m:
        raise Failure("daemon/db_timers.c: the timer kinds (s_kinds) were not found")
    kinds.update(literals(m.group(1)))
    return kinds


def proto_text():
    with open(os.path.join(ROOT, "proto", "lkip.proto"), encoding="utf-8") as f:
        return re.sub(r"//[^\n]*", "", f.read())


def requests():
    m = re.search(r"message Envelope \{.*?oneof body \{(.*?)\}", proto_text(), re.S)
    if not m:
        raise Failure("proto/lkip.proto: Envelope's oneof body was not found")
    names = re.findall(r"\b[A-Z][A-Za-z]*Request\s+([a-z_]+)\s*=", m.group(1))
    return set(names)


def statuses():
    m = re.search(r"enum Status \{(.*?)\}", proto_text(), re.S)
    if not m:
        raise Failure("proto/lkip.proto: enum Status was not found")
    return {num for name, num in re.findall(r"\b([A-Z_]+)\s*=\s*(\d+)", m.group(1))
            if num != "0"}


CATEGORIES = {"replies": reply_codes, "cells": cell_codes, "events": event_kinds,
              "requests": requests, "statuses": statuses}


def documented(doc_text, name, category):
    """A code, kind or request is documented when the document writes it in backquotes; a
    status when it appears as a number on its own."""
    if category == "statuses":
        return re.search(r"(?<![0-9])%s(?![0-9])" % name, doc_text) is not None
    return ("`%s`" % name) in doc_text


def main(argv):
    if len(argv) >= 2 and argv[0] == "list" and argv[1] in CATEGORIES:
        for name in sorted(CATEGORIES[argv[1]]()):
            print(name)
        return 0
    if not argv or argv[0] != "check":
        sys.stderr.write(__doc__)
        return 2
    argv = argv[1:]
    doc = os.path.join(ROOT, "docs", "PROTOCOL.md")
    if len(argv) >= 2 and argv[0] == "--doc":
        doc, argv = argv[1], argv[2:]
    wanted = argv or sorted(CATEGORIES)
    for c in wanted:
        if c not in CATEGORIES:
            sys.stderr.write("protocol_codes: unknown category %s\n" % c)
            return 2
    with open(doc, encoding="utf-8") as f:
        doc_text = f.read()
    missing = 0
    for c in wanted:
        names = CATEGORIES[c]()
        if not names:
            raise Failure("%s: nothing found in the sources (the extraction is broken)" % c)
        lacking = sorted(n for n in names if not documented(doc_text, n, c))
        for n in lacking:
            print("%s: %s is not in %s" % (c, n, os.path.relpath(doc, ROOT)))
        print("%s: %d found, %d missing" % (c, len(names), len(lacking)))
        missing += len(lacking)
    return 1 if missing else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Failure as e:
        sys.stderr.write("protocol_codes: %s\n" % e)
        sys.exit(3)
