#!/usr/bin/env python3
"""Feed fixtures: every document under tests/feeds/<format>/ through
`tafeld inspect`, compared byte for byte with what a person worked out.

Per case, next to <case>.json or <case>.xml (the document, stored exactly
as a server would send it):
  <case>.expected  the exact stdout: one JSON object per shown car park;
                   empty for a document that is rejected as a whole
  <case>.rejected  (optional) marks a rejected document; holds a piece of
                   the reason that must appear on stderr (exit status 1)
  <case>.args      (optional) one line of extra arguments, e.g.
                   --now 2026-01-08T13:45:00+01:00 --stale-after 1800;
                   a path argument (--table FILE) is relative to the
                   format's folder

Usage: run.py TAFELD [FILTER...]   (a FILTER is a substring of
"<format>/<case>"; without one every case runs).  Prints ok/FAIL per
case and "N passed, N failed"; exits 1 when anything failed.
Standard library only.
"""

import difflib
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT_S = 20


def read(path, mode="r"):
    with open(path, mode, encoding=None if "b" in mode else "utf-8") as f:
        return f.read()


def cases(filters):
    for fmt in sorted(os.listdir(HERE)):
        d = os.path.join(HERE, fmt)
        if not os.path.isdir(d) or fmt.startswith(("_", ".")):
            continue
        for name in sorted(os.listdir(d)):
            case, ext = os.path.splitext(name)
            if ext not in (".json", ".xml"):
                continue
            label = "%s/%s" % (fmt, case)
            if filters and not any(f in label for f in filters):
                continue
            yield fmt, os.path.join(d, case), ext, label


def run_case(tafeld, fmt, base, ext):
    """Returns a list of problems (empty when the case passed)."""
    problems = []
    if not os.path.exists(base + ".expected"):
        return ["no %s.expected" % os.path.basename(base)]
    expected = read(base + ".expected", "rb")
    rejected = None
    if os.path.exists(base + ".rejected"):
        rejected = read(base + ".rejected").strip()
        if not rejected:
            problems.append(".rejected is empty: it must hold the reason")
        if expected:
            problems.append(".expected must be empty for a rejected case")
    args = []
    if os.path.exists(base + ".args"):
        args = shlex.split(read(base + ".args"))
    cmd = [tafeld, "inspect", fmt, base + ext] + args
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT_S, cwd=os.path.dirname(base))
    except subprocess.TimeoutExpired:
        return problems + ["timed out after %d s" % TIMEOUT_S]
    err = p.stderr.decode("utf-8", "replace")
    want_rc = 1 if rejected is not None else 0
    if p.returncode != want_rc:
        problems.append("exit status %d, want %d" % (p.returncode, want_rc))
    if rejected and rejected not in err:
        problems.append("stderr lacks %r" % rejected)
    if p.stdout != expected:
        got = p.stdout.decode("utf-8", "replace").splitlines(keepends=True)
        want = expected.decode("utf-8", "replace").splitlines(keepends=True)
        diff = difflib.unified_diff(want, got, "expected", "inspect")
        problems.append("stdout differs:\n" + "".join(diff).rstrip("\n"))
    if problems and err:
        problems.append("stderr: " + err.rstrip("\n"))
    if problems:
        problems.insert(0, "$ " + " ".join(shlex.quote(c) for c in cmd))
    return problems


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    tafeld = os.path.abspath(sys.argv[1])
    passed = failed = 0
    for fmt, base, ext, label in cases(sys.argv[2:]):
        problems = run_case(tafeld, fmt, base, ext)
        if problems:
            failed += 1
            print("FAIL %s" % label)
            for p in problems:
                print("    " + p.replace("\n", "\n    "))
        else:
            passed += 1
            print("ok   %s" % label)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
