#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tafel authors
"""Integration tests of tafelctl, the command-line client.

    python3 tests/integration/tafelctl.py build/tafelctl [CASE...]

Most cases run tafelctl against a small fake health server started here
(http.server on a free port of 127.0.0.1, in a thread of this process) that
serves canned documents, or misbehaves on request: wrong status, garbage,
wrong types, an oversized or endless body, no answer at all.  The server
records every request, so the cases can see the Authorization header and
the request line (a token must never travel in the URL).  One case runs the
real tafeld (the "tafeld" next to tafelctl) with its HTTP server on a free
port; it is skipped, and says so, while that daemon serves no /health.

Every tafelctl runs with HOME set to the case's temporary folder and
without TAFEL_SERVER, TAFEL_TOKEN and XDG_CONFIG_HOME from the caller, so
no config of the person running the tests leaks in.  The harness of run.py
(Case, check, Fail) is reused.  The last line is "N passed, N failed"; the
exit code is 1 when anything failed.
"""

import http.server
import json
import os
import pty
import re
import socket
import subprocess
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as h  # noqa: E402  (the harness of the other integration tests)
from run import Fail, check  # noqa: E402

TAFELCTL = None        # absolute path of the binary under test (argv[1])
RUN_TIMEOUT_S = 15     # one tafelctl run, even a timed-out one
HANG_S = 10            # longest a "hang" answer holds its connection
BODY_MAX = 1024 * 1024
ISSUE5 = "not implemented yet: the operator message API is issue 5"
LATER = ("send", "list", "cancel", "preset", "validate")
# Variables of the caller that would change what tafelctl does.
SCRUB = ("TAFEL_SERVER", "TAFEL_TOKEN", "XDG_CONFIG_HOME", "NO_COLOR",
         "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
         "all_proxy", "ALL_PROXY")


class Skip(Exception):
    pass


# ---------------------------------------------------------------------------
# The fake health server
# ---------------------------------------------------------------------------

class FakeServer:
    """An HTTP server on 127.0.0.1 that answers every GET with the current
    reply and records the request; stopped by the case's cleanup."""

    def __init__(self, case):
        self.requests = []
        self.reply = (200, "application/health+json", b"{}", None)
        self.release = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            # HTTP/1.0: a body without Content-Length ends at close.
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.requests.append({
                    "path": self.path,
                    "auth": self.headers.get_all("Authorization") or [],
                    "accept": self.headers.get("Accept", ""),
                })
                status, ctype, body, mode = outer.reply
                try:
                    if mode == "hang":
                        outer.release.wait(HANG_S)
                        return
                    self.send_response(status)
                    if ctype:
                        self.send_header("Content-Type", ctype)
                    if status in (301, 302):
                        self.send_header("Location", "/elsewhere")
                    if mode != "no-length":
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                     Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()
        case.servers.append(self)

    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def serve(self, doc, status=200, ctype="application/health+json",
              mode=None):
        """doc: a JSON value, or bytes sent as they are."""
        body = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        self.reply = (status, ctype, body, mode)
        del self.requests[:]

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class Case(h.Case):
    def __init__(self, name):
        super().__init__(name)
        self.servers = []

    def server(self):
        return FakeServer(self)

    def cleanup(self):
        for s in self.servers:
            try:
                s.close()
            except Exception:
                pass
        super().cleanup()

    def env(self, extra=None):
        e = {k: v for k, v in os.environ.items() if k not in SCRUB}
        # TERM=xterm: only "stdout is no tty" may turn colour off.
        e.update({"HOME": self.dir, "no_proxy": "*", "NO_PROXY": "*",
                  "TERM": "xterm"})
        e.update(extra or {})
        return e

    def ctl(self, *args, env=None, timeout=RUN_TIMEOUT_S):
        """Run tafelctl: (exit code, stdout, stderr).  A signal (crash) or
        a sanitizer report fails the case whatever the test expects."""
        p = subprocess.run([TAFELCTL] + list(args), cwd=self.dir,
                           env=self.env(env), stdin=subprocess.DEVNULL,
                           capture_output=True, encoding="utf-8",
                           errors="replace", timeout=timeout)
        check(p.returncode >= 0, "tafelctl %s: killed by signal %d; "
              "stderr: %s" % (" ".join(args), -p.returncode, p.stderr))
        check("Sanitizer" not in p.stderr and "runtime error" not in p.stderr,
              "tafelctl %s: sanitizer: %s" % (" ".join(args), p.stderr))
        return p.returncode, p.stdout, p.stderr

    def user_config(self, text, mode=0o600):
        d = self.path(".config", "tafel")
        os.makedirs(d, exist_ok=True)
        p = os.path.join(d, "tafelctl.conf")
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, mode)
        return p


# ---------------------------------------------------------------------------
# Canned health documents
# ---------------------------------------------------------------------------

def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + \
        ".%03dZ" % int((t % 1) * 1000)


def doc_pass():
    now = time.time()
    # Not in the order the summary prints them: it sorts by kind.
    return {
        "status": "pass", "version": "0.1.0", "releaseId": "0.1.0",
        "serviceId": "tafel-test", "description": "tafel LED sign",
        "checks": {
            "uptime": [{"observedValue": 7380, "observedUnit": "s",
                        "status": "pass"}],
            "feed:pls": [{
                "componentId": "pls", "componentType": "datastore",
                "status": "pass", "observedValue": 12.2,
                "observedUnit": "s", "time": iso(now - 12.2), "output": "",
                "stale": False, "items": 13, "itemsNoData": 0}],
            "rendering:frames": [{
                "status": "pass", "observedValue": 1234,
                "time": iso(now - 0.1), "pixelHash": "9f86d081884c7d65",
                "pages": {"main": 0, "ticker": 2}, "messages": []}],
            "display:board": [{"status": "pass", "system": "dummy",
                               "width": 192, "height": 96}],
        }}


def doc_warn():
    d = doc_pass()
    d["status"] = "warn"
    d["checks"]["feed:x"] = [{
        "componentId": "x", "componentType": "datastore", "status": "warn",
        "observedValue": 600, "observedUnit": "s",
        "time": iso(time.time() - 600), "output": "HTTP 500", "stale": True,
        "items": 4, "itemsNoData": 4}]
    return d


def doc_fail():
    d = doc_pass()
    d["status"] = "fail"
    r = d["checks"]["rendering:frames"][0]
    r["status"] = "fail"
    r["output"] = "the board should animate but has not changed for 12 s"
    return d


def lines(out):
    return out.splitlines()


def line_matching(out, pattern):
    rx = re.compile(pattern)
    for i, l in enumerate(lines(out)):
        if rx.search(l):
            return i
    raise Fail("no output line /%s/ in:\n%s" % (pattern, out))


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


@case
def test_status_pass_prints_a_summary(c):
    srv = c.server()
    srv.serve(doc_pass())
    rc, out, err = c.ctl("-s", srv.url(), "status")
    check(rc == 0, "exit %d, want 0; stderr: %s" % (rc, err))
    check(err == "", "stderr not empty: %r" % err)
    check(lines(out)[0] == "tafel 0.1.0 at %s (tafel-test): PASS"
          % srv.url(), "header line %r" % lines(out)[0])
    order = [
        line_matching(out, r"^  display +dummy 192x96 +pass$"),
        line_matching(out, r"^  rendering +1234 frames, last \d+\.\d s ago"
                      r" +pass$"),
        line_matching(out, r"^  feed pls +age 12 s, 13 items, "
                      r"0 shown as --- +pass$"),
        line_matching(out, r"^  uptime +2 h 03 min$"),
    ]
    check(order == sorted(order), "lines out of order:\n%s" % out)
    check("\033" not in out, "colour codes although stdout is no tty")
    check(len(srv.requests) == 1 and srv.requests[0]["path"] == "/health",
          "requests: %r" % srv.requests)
    check("application/health+json" in srv.requests[0]["accept"],
          "Accept: %r" % srv.requests[0]["accept"])
    check(srv.requests[0]["auth"] == [], "a token was sent: %r"
          % srv.requests[0]["auth"])


@case
def test_status_warn_shows_the_stale_feed(c):
    srv = c.server()
    srv.serve(doc_warn())
    rc, out, err = c.ctl("status", "-s", srv.url() + "/")
    check(rc == 1, "exit %d, want 1; stderr: %s" % (rc, err))
    check(lines(out)[0].endswith("): WARN"), "header %r" % lines(out)[0])
    line_matching(out, r"^  feed x +stale, age 10 min 00 s, 4 items, "
                  r"4 shown as ---, last error: HTTP 500 +warn$")
    line_matching(out, r"^  feed pls .* pass$")
    check(srv.requests[0]["path"] == "/health",
          "trailing slash of -s kept: %r" % srv.requests)


@case
def test_status_fail_503_exits_2(c):
    srv = c.server()
    srv.serve(doc_fail(), status=503)
    rc, out, err = c.ctl("-s", srv.url(), "status")
    check(rc == 2, "exit %d, want 2; stderr: %s" % (rc, err))
    check(lines(out)[0].endswith("): FAIL"), "header %r" % lines(out)[0])
    line_matching(out, r"^  rendering +1234 frames, .*, the board should "
                  r"animate but has not changed for 12 s +fail$")
    # A 503 is fail even when the document says otherwise.
    srv.serve(doc_pass(), status=503)
    rc, out, err = c.ctl("-s", srv.url(), "status")
    check(rc == 2 and "503" in err, "503 with status pass: exit %d, "
          "stderr %r" % (rc, err))


@case
def test_unknown_checks_are_shown_generically(c):
    srv = c.server()
    d = doc_warn()
    d["checks"]["brightness:panel"] = [{
        "status": "pass", "observedValue": 40, "observedUnit": "percent",
        "output": "auto"}]
    d["checks"]["gpio:door"] = [{"status": "warn",
                                 "output": "line 17 unreadable",
                                 "observedValue": {"a": [1, 2]}}]
    d["checks"]["feed:y"] = [{"componentId": "y", "status": "pass",
                              "observedValue": None}]
    srv.serve(d)
    rc, out, err = c.ctl("-s", srv.url(), "status")
    check(rc == 1, "exit %d; stderr: %s" % (rc, err))
    line_matching(out, r"^  brightness panel +40 percent, auto +pass$")
    line_matching(out, r'^  gpio door +\{"a":\[1,2\]\}, line 17 unreadable'
                  r" +warn$")
    line_matching(out, r"^  feed y +no data yet +pass$")
    i = line_matching(out, r"^  gpio door")
    check(i < line_matching(out, r"^  uptime"), "uptime not last")


@case
def test_json_round_trips_the_document(c):
    srv = c.server()
    d = doc_warn()
    d["description"] = "Parkleitsystem Z\u00fcrich \u2192 Nord"
    d["checks"]["uptime"][0]["observedValue"] = 0.1
    d["checks"]["x:extra"] = [{"deep": {"a": [None, True, 1e-3, "/"]}}]
    srv.serve(d)
    rc, out, err = c.ctl("-s", srv.url(), "--json", "status")
    check(rc == 1, "exit %d, want 1 (warn); stderr: %s" % (rc, err))
    check(json.loads(out) == d, "--json changed the document:\n%s" % out)
    check(out.count("\n") > 10, "not pretty-printed: %r" % out[:200])
    rc, out2, _ = c.ctl("-s", srv.url(), "status", "--json")
    check(rc == 1 and json.loads(out2) == d, "--json after the command")


@case
def test_garbage_answers_exit_3(c):
    srv = c.server()
    url = srv.url() + "/health"
    bodies = [
        b"<html>oops</html>",
        b"",
        b'{"status": "pass"',
        b'{"status": "pass"} x',
        b'{"status": "pass"}{"status": "pass"}',
        b'{"status": "pass", "output": "a\x00b"}',
        b'{"status": "pass", "output": "\xff\xfe"}',
        b"{'status': 'pass'}",
        b'{"status": "pass", /* c */ "checks": {}}',
        b'{"status": "pass", "checks": {"feed:a": [{"observedValue": NaN}]}}',
        b'{"status": "pass", "checks": {"feed:a": [{"observedValue": 1e999}]}}',
        b'{"status": "pass", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b"\xef\xbb\xbf" + json.dumps(doc_pass()).encode(),
        bytes(range(256)),
    ]
    for body in bodies:
        srv.serve(body)
        rc, out, err = c.ctl("-s", srv.url(), "status")
        check(rc == 3, "body %r: exit %d, want 3; stderr: %s"
              % (body[:40], rc, err))
        check(url in err, "body %r: message does not name %s: %r"
              % (body[:40], url, err))
        check(out == "", "body %r: printed %r" % (body[:40], out))
    srv.serve(b"<html>oops</html>", ctype="text/html")
    rc, _, err = c.ctl("-s", srv.url(), "status")
    check(rc == 3 and "text/html" in err, "text/html: %d %r" % (rc, err))


@case
def test_wrong_types_exit_3_naming_the_field(c):
    srv = c.server()

    def feed(**kw):
        d = doc_pass()
        d["checks"]["feed:pls"][0].update(kw)
        return d

    def top(**kw):
        d = doc_pass()
        d.update(kw)
        return d

    def display(**kw):
        d = doc_pass()
        d["checks"]["display:board"][0].update(kw)
        return d

    def rendering(**kw):
        d = doc_pass()
        d["checks"]["rendering:frames"][0].update(kw)
        return d

    no_status = doc_pass()
    del no_status["status"]
    cases = [
        ([], "want an object"),
        ("pass", "want an object"),
        (no_status, "status: missing"),
        (top(status=42), "status: want"),
        (top(status="ok"), "status: want"),
        (top(status=None), "status: missing"),
        (top(version=1), "version: want a string"),
        (top(checks=[]), "checks: want an object"),
        (top(checks={"uptime": {}}), "checks.uptime: want an array"),
        (top(checks={"uptime": [1]}), "checks.uptime[0]: want an object"),
        (feed(items="13"), "checks.feed:pls[0].items: want an integer"),
        (feed(items=-1), "checks.feed:pls[0].items"),
        (feed(items=13.5), "checks.feed:pls[0].items"),
        (feed(observedValue="12"), "checks.feed:pls[0].observedValue"),
        (feed(stale="yes"), "checks.feed:pls[0].stale: want true or false"),
        (feed(status="green"), "checks.feed:pls[0].status"),
        (feed(time="yesterday"), "checks.feed:pls[0].time"),
        (feed(output=["HTTP 500"]), "checks.feed:pls[0].output"),
        (display(width=-1), "checks.display:board[0].width"),
        (display(height="96"), "checks.display:board[0].height"),
        (display(system=7), "checks.display:board[0].system"),
        (rendering(observedValue=1.5), "rendering:frames[0].observedValue"),
        (rendering(pages={"a": [1]}), "rendering:frames[0].pages"),
        (rendering(messages=[{}]), "rendering:frames[0].messages"),
    ]
    for doc, want in cases:
        srv.serve(doc)
        rc, out, err = c.ctl("-s", srv.url(), "status")
        check(rc == 3, "%s: exit %d, want 3; stderr: %s" % (want, rc, err))
        check(want in err, "want %r in the message: %r" % (want, err))
        check(out == "", "%s: printed %r" % (want, out))
    # Fields the client does not know and null for optional ones are fine.
    srv.serve(feed(time=None, output=None, fetches=3, extra={"x": [1]}))
    rc, out, err = c.ctl("-s", srv.url(), "status")
    check(rc == 0, "unknown fields and nulls: exit %d: %s" % (rc, err))


@case
def test_oversize_answers_exit_3(c):
    srv = c.server()
    big = json.dumps({"status": "pass", "output": "x" * (2 * BODY_MAX)})
    for mode in (None, "no-length"):
        srv.serve(big.encode(), mode=mode)
        rc, out, err = c.ctl("-s", srv.url(), "status")
        check(rc == 3, "%s: exit %d, want 3; stderr: %s" % (mode, rc, err))
        check("1024 KiB" in err and srv.url() + "/health" in err,
              "%s: message %r" % (mode, err))
    # Just under the cap is read, and the long string is cut for display.
    d = doc_warn()
    d["checks"]["feed:x"][0]["output"] = "y" * (BODY_MAX - 4096)
    srv.serve(d, mode="no-length")
    rc, out, err = c.ctl("-s", srv.url(), "status")
    check(rc == 1, "just under 1 MiB: exit %d: %s" % (rc, err[:300]))
    i = line_matching(out, r"^  feed x ")
    check(len(lines(out)[i]) < 400, "a long output is not cut: %d chars"
          % len(lines(out)[i]))


@case
def test_server_down_exits_3_naming_the_url(c):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    url = "http://127.0.0.1:%d" % port
    rc, out, err = c.ctl("-s", url, "status")
    check(rc == 3, "exit %d, want 3" % rc)
    check(url + "/health" in err and "onnect" in err,
          "message %r does not name the URL and the curl error" % err)
    check(out == "", "printed %r" % out)


@case
def test_timeout_bounds_a_hanging_server(c):
    srv = c.server()
    srv.serve(b"", mode="hang")
    t0 = time.monotonic()
    rc, out, err = c.ctl("-s", srv.url(), "--timeout", "0.5", "status")
    took = time.monotonic() - t0
    check(rc == 3, "exit %d, want 3" % rc)
    check(took < 3, "took %.1f s with --timeout 0.5" % took)
    check("imeout" in err or "timed out" in err, "message %r" % err)


@case
def test_http_errors_exit_3(c):
    srv = c.server()
    err_body = {"error": {"code": "unauthorized",
                          "message": "token required\033[2J"}}
    srv.serve(err_body, status=401, ctype="application/json")
    rc, _, err = c.ctl("-s", srv.url(), "status")
    check(rc == 3 and "HTTP 401" in err and "token required" in err and
          "TAFEL_TOKEN" in err, "401: %d %r" % (rc, err))
    check("\033" not in err, "an escape sequence reached stderr")
    srv.serve(b"not found", status=404, ctype="text/plain")
    rc, _, err = c.ctl("-s", srv.url(), "status")
    check(rc == 3 and "HTTP 404" in err, "404: %d %r" % (rc, err))
    srv.serve(b"", status=302)
    rc, _, err = c.ctl("-s", srv.url(), "status")
    check(rc == 3 and "HTTP 302" in err and len(srv.requests) == 1,
          "302 (must not follow): %d %r %r" % (rc, err, srv.requests))


@case
def test_server_strings_cannot_drive_the_terminal(c):
    srv = c.server()
    d = doc_warn()
    d["serviceId"] = "evil\033]0;title\007"
    d["checks"]["feed:x"][0]["output"] = "\033[2J\033[31mboom\u009b1m\r"
    d["checks"]["feed:\033[5m"] = [{"status": "pass"}]
    srv.serve(d)
    rc, out, err = c.ctl("-s", srv.url(), "status")
    check(rc == 1, "exit %d: %s" % (rc, err))
    for bad in ("\033", "\007", "\u009b", "\r"):
        check(bad not in out, "%r reached stdout:\n%r" % (bad, out))
    check("boom" in out and "evil" in out, "text lost:\n%s" % out)


@case
def test_colour_only_on_a_tty(c):
    srv = c.server()
    srv.serve(doc_warn())

    def on_pty(extra):
        master, slave = pty.openpty()
        try:
            p = subprocess.Popen([TAFELCTL, "-s", srv.url(), "status"],
                                 cwd=c.dir, env=c.env(extra),
                                 stdin=subprocess.DEVNULL, stdout=slave,
                                 stderr=subprocess.PIPE)
            os.close(slave)
            slave = None
            data = b""
            end = time.monotonic() + RUN_TIMEOUT_S
            while time.monotonic() < end:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the other side is closed
                    break
                if not chunk:
                    break
                data += chunk
            rc = p.wait(timeout=RUN_TIMEOUT_S)
            p.stderr.close()
            return rc, data.decode("utf-8", "replace")
        finally:
            if slave is not None:
                os.close(slave)
            os.close(master)

    rc, out = on_pty({"TERM": "xterm"})
    check(rc == 1 and "\033[33m" in out, "no colour on a tty: %r" % out)
    rc, out = on_pty({"TERM": "xterm", "NO_COLOR": "1"})
    check(rc == 1 and "\033" not in out, "colour despite NO_COLOR: %r" % out)


@case
def test_token_from_option_environment_and_config_file(c):
    srv = c.server()
    srv.serve(doc_pass())
    # No config file in HOME shadows a system one that may exist.
    c.user_config("# nothing here\n")

    def sent(*args, env=None):
        del srv.requests[:]
        rc, _, err = c.ctl(*args, env=env)
        check(rc == 0, "%s: exit %d: %s" % (args, rc, err))
        check(len(srv.requests) == 1, "requests %r" % srv.requests)
        r = srv.requests[0]
        check(r["path"] == "/health", "request line has %r" % r["path"])
        return r["auth"]

    a = sent("-s", srv.url(), "-t", "opt-s3cret", "status")
    check(a == ["Bearer opt-s3cret"], "-t: %r" % a)
    a = sent("-s", srv.url(), "status", env={"TAFEL_TOKEN": "env-s3cret"})
    check(a == ["Bearer env-s3cret"], "TAFEL_TOKEN: %r" % a)
    a = sent("-s", srv.url(), "--token=opt", "status",
             env={"TAFEL_TOKEN": "env"})
    check(a == ["Bearer opt"], "-t must beat TAFEL_TOKEN: %r" % a)
    a = sent("-s", srv.url(), "status")
    check(a == [], "no token anywhere, but sent %r" % a)

    # Server and token from ~/.config/tafel/tafelctl.conf.
    c.user_config("# tafelctl\n\n  server = %s  \ntoken=conf-s3cret\n"
                  % srv.url())
    a = sent("status")
    check(a == ["Bearer conf-s3cret"], "config file: %r" % a)
    a = sent("status", env={"TAFEL_TOKEN": "env"})
    check(a == ["Bearer env"], "TAFEL_TOKEN must beat the file: %r" % a)
    a = sent("status", env={"TAFEL_TOKEN": ""})
    check(a == [], "an empty TAFEL_TOKEN means none: %r" % a)
    # TAFEL_SERVER beats the file: a dead port proves it was used.
    rc, _, err = c.ctl("status", env={"TAFEL_SERVER": "http://127.0.0.1:1"})
    check(rc == 3 and "127.0.0.1:1/health" in err,
          "TAFEL_SERVER ignored: %d %r" % (rc, err))

    # -c names a file; an everyone-readable token draws a warning.
    other = c.path("other.conf")
    with open(other, "w") as f:
        f.write("server = %s\ntoken = file2\n" % srv.url())
    os.chmod(other, 0o644)
    del srv.requests[:]
    rc, _, err = c.ctl("-c", other, "status")
    check(rc == 0 and srv.requests[0]["auth"] == ["Bearer file2"],
          "-c: %d %r %r" % (rc, err, srv.requests))
    check("everyone can read" in err, "no warning for mode 644: %r" % err)
    for r in srv.requests:
        check("s3cret" not in r["path"] and "file2" not in r["path"],
              "token in the URL: %r" % r["path"])


@case
def test_config_file_errors_exit_64(c):
    c.user_config("server = http://127.0.0.1:8080\nsever = x\nno equals\n"
                  "token = a b\n")
    rc, _, err = c.ctl("status")
    check(rc == 64, "bad config: exit %d, want 64" % rc)
    for want in ("tafelctl.conf:2: unknown key 'sever'", "tafelctl.conf:3:",
                 "tafelctl.conf:4:"):
        check(want in err, "want %r in %r" % (want, err))
    rc, _, err = c.ctl("-c", c.path("missing.conf"), "status")
    check(rc == 64 and "missing.conf" in err, "-c missing: %d %r"
          % (rc, err))
    c.user_config("server = ftp://example.org\n")
    rc, _, err = c.ctl("status")
    check(rc == 64 and "tafelctl.conf:1:" in err, "ftp server: %d %r"
          % (rc, err))


@case
def test_usage_errors_exit_64(c):
    for args in ([], ["frobnicate"], ["--bogus", "status"],
                 ["status", "extra"], ["--timeout", "x", "status"],
                 ["--timeout", "0", "status"], ["--timeout", "1e9", "status"],
                 ["status", "--timeout"], ["-s", "ftp://x", "status"],
                 ["-s", "http://x/?token=1", "status"],
                 ["-t", "has space", "status"]):
        rc, out, err = c.ctl(*args)
        check(rc == 64, "%r: exit %d, want 64; %r" % (args, rc, err))
        check(err != "", "%r: no message" % (args,))
    rc, out, err = c.ctl("frobnicate")
    check("frobnicate" in err, "unknown command not named: %r" % err)
    rc, out, _ = c.ctl("--help")
    check(rc == 0 and "status" in out and "send" in out, "--help: %d" % rc)
    rc, out, _ = c.ctl("--version")
    check(rc == 0 and out.startswith("tafelctl "), "--version: %r" % out)


@case
def test_operator_commands_are_not_there_yet(c):
    srv = c.server()
    for cmd in LATER:
        rc, out, err = c.ctl("-s", srv.url(), cmd, "x")
        check(rc == 2, "%s: exit %d, want 2" % (cmd, rc))
        check(ISSUE5 in err, "%s: message %r" % (cmd, err))
    check(srv.requests == [], "a later command talked to the server")


@case
def test_real_daemon_status(c):
    tafeld = os.path.join(os.path.dirname(TAFELCTL), "tafeld")
    if not os.access(tafeld, os.X_OK):
        raise Skip("no %s" % tafeld)
    h.TAFELD = tafeld
    c.write("layout.json", h.layout(192, 96, [
        h.region("a", 0, 0, 192, 96, [h.text("Hi")])]))
    conf = c.config(w=192, h=96, http={"listen": ["127.0.0.1:0"]})
    d = c.start(conf, env={"no_proxy": "*", "NO_PROXY": "*"})
    try:
        _, m = d.wait_log(r"^<5>http: listening on 127\.0\.0\.1:0 "
                          r"\(port (\d+)\)")
    except Fail:
        raise Skip("this tafeld serves no HTTP yet")
    url = "http://127.0.0.1:%s" % m.group(1)
    rc, out, err = c.ctl("-s", url, "status")
    if rc == 3 and "HTTP 404" in err:
        raise Skip("this tafeld serves no /health yet")
    check(rc in (0, 1), "exit %d; stdout:\n%s\nstderr: %s" % (rc, out, err))
    check(lines(out)[0].startswith("tafel ") and url in lines(out)[0],
          "header %r" % lines(out)[0])
    line_matching(out, r"^  display +dummy 192x96 ")
    line_matching(out, r"^  rendering +\d+ frames?, ")
    rc2, js, err = c.ctl("-s", url, "--json", "status")
    doc = json.loads(js)
    check(rc2 in (0, 1) and doc["status"] in ("pass", "warn"),
          "--json: exit %d, status %r" % (rc2, doc.get("status")))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


# ---------------------------------------------------------------------------

def main(argv):
    global TAFELCTL
    if len(argv) < 2:
        print("usage: %s path/to/tafelctl [CASE...]" % argv[0],
              file=sys.stderr)
        return 2
    TAFELCTL = os.path.abspath(argv[1])
    if not os.access(TAFELCTL, os.X_OK):
        print("%s: not an executable" % TAFELCTL, file=sys.stderr)
        return 2
    wanted = set(argv[2:])
    passed = failed = 0
    for fn in CASES:
        name = fn.__name__[len("test_"):]
        if wanted and name not in wanted and fn.__name__ not in wanted:
            continue
        c = Case(name)
        try:
            fn(c)
            print("ok %s" % name)
            passed += 1
        except Skip as e:
            print("skip %s: %s" % (name, e))
        except Fail as e:
            print("FAIL %s: %s" % (name, e))
            failed += 1
        except Exception:
            print("FAIL %s: %s" % (name, traceback.format_exc().strip()))
            failed += 1
        finally:
            c.cleanup()
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
