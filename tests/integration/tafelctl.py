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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as h  # noqa: E402  (the harness of the other integration tests)
from run import Fail, Skip, check  # noqa: E402

TAFELCTL = None        # absolute path of the binary under test (argv[1])
RUN_TIMEOUT_S = 15     # one tafelctl run, even a timed-out one
HANG_S = 10            # longest a "hang" answer holds its connection
BODY_MAX = 1024 * 1024
# Variables of the caller that would change what tafelctl does.
SCRUB = ("TAFEL_SERVER", "TAFEL_TOKEN", "XDG_CONFIG_HOME", "NO_COLOR",
         "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
         "all_proxy", "ALL_PROXY")


# ---------------------------------------------------------------------------
# The fake health server
# ---------------------------------------------------------------------------

class FakeServer:
    """An HTTP server on 127.0.0.1 that answers every request with the
    current reply, or with the reply routed to its method and path, and
    records the request (method, path, headers, body); stopped by the
    case's cleanup."""

    def __init__(self, case):
        self.requests = []
        self.reply = (200, "application/health+json", b"{}", None)
        self.routes = {}
        self.release = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            # HTTP/1.0: a body without Content-Length ends at close.
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_GET(self):
                self.answer("GET")

            def do_POST(self):
                self.answer("POST")

            def do_DELETE(self):
                self.answer("DELETE")

            def answer(self, method):
                n = int(self.headers.get("Content-Length", "0") or "0")
                outer.requests.append({
                    "method": method,
                    "path": self.path,
                    "auth": self.headers.get_all("Authorization") or [],
                    "accept": self.headers.get("Accept", ""),
                    "ctype": self.headers.get("Content-Type"),
                    "expect": self.headers.get("Expect"),
                    "body": self.rfile.read(n) if n > 0 else b"",
                })
                status, ctype, body, mode = outer.routes.get(
                    (method, self.path), outer.reply)
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

    def route(self, method, path, doc, status=200,
              ctype="application/json"):
        """Answer method on path with doc (JSON value or bytes)."""
        body = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        self.routes[(method, path)] = (status, ctype, body, None)

    def api(self, doc, status=200, ctype="application/json"):
        """Answer every request with doc, as the API does."""
        self.routes.clear()
        self.serve(doc, status=status, ctype=ctype)

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


# ---------------------------------------------------------------------------
# The operator message commands, against the fake server as the API
# ---------------------------------------------------------------------------

TOKEN = "op-s3cret-token-0123456789"
MSG_ID = "3f9a1c2e8b7d4f6a9e0b1c2d3e4f5a6b"


def msg(**kw):
    """A message as the API answers it (src/api.c, api_msg_json)."""
    m = {"id": MSG_ID, "multi": "A2 gesperrt[nl]Umleitung U1",
         "priority": 100, "start": "2026-11-29T17:00:00Z",
         "end": "2026-11-29T18:00:00Z", "zone": "", "source": "operator",
         "owner": "alice", "created": "2026-11-29T17:00:00Z",
         "active": True}
    m.update(kw)
    return m


def multi_error(code="unsupportedTag", number=3, pos=5,
                message="unknown tag [xx]"):
    return {"error": {"code": code, "multi_error": number, "position": pos,
                      "message": message}}


def error(code, message):
    return {"error": {"code": code, "message": message}}


def only_request(srv, method, path):
    check(len(srv.requests) == 1, "want one request, got %r"
          % [(r["method"], r["path"]) for r in srv.requests])
    r = srv.requests[0]
    check((r["method"], r["path"]) == (method, path),
          "request %s %s, want %s %s" % (r["method"], r["path"], method,
                                         path))
    return r


def sent_json(r):
    check(r["ctype"] == "application/json",
          "Content-Type %r, want application/json" % r["ctype"])
    check(r["expect"] is None, "Expect: %r sent" % r["expect"])
    return json.loads(r["body"].decode("utf-8"))


@case
def test_send_posts_json_and_prints_the_id(c):
    srv = c.server()
    srv.api(msg(priority=200, zone="top"), status=201)
    multi = 'Konzert KKL: P+R "Allmend" \\ [jl3]Z\u00fcrich \u2192 Nord'
    rc, out, err = c.ctl("-s", srv.url(), "-t", TOKEN, "send", "-p", "200",
                         "-d", "30m", "--zone", "top", multi)
    check(rc == 0, "exit %d, want 0; stderr: %s" % (rc, err))
    check(out == MSG_ID + "\n", "stdout %r, want the id" % out)
    check(err == "", "stderr not empty: %r" % err)
    r = only_request(srv, "POST", "/api/v1/messages")
    check(r["auth"] == ["Bearer " + TOKEN], "Authorization %r" % r["auth"])
    check("application/json" in r["accept"], "Accept %r" % r["accept"])
    body = sent_json(r)
    check(body == {"multi": multi, "priority": 200, "duration_s": 1800,
                   "zone": "top"}, "body %r" % body)

    # Priority 100 unless given; durations in every form; options after
    # the MULTI; "--" for a MULTI that starts with '-'.
    for dur, secs in (("90", 90), ("90s", 90), ("2h", 7200),
                      ("1h30m", 5400), ("1d", 86400), ("1d2h3m4s", 93784)):
        srv.api(msg(), status=201)
        rc, out, err = c.ctl("-s", srv.url(), "send", "x", "--duration",
                             dur)
        check(rc == 0, "-d %s: exit %d: %s" % (dur, rc, err))
        body = sent_json(srv.requests[0])
        check(body == {"multi": "x", "priority": 100, "duration_s": secs},
              "-d %s: body %r" % (dur, body))
    srv.api(msg(), status=201)
    rc, out, err = c.ctl("-s", srv.url(), "send", "-d", "1m", "--",
                         "-5 Grad")
    check(rc == 0 and sent_json(srv.requests[0])["multi"] == "-5 Grad",
          "--: exit %d %r" % (rc, err))
    # "" is a blank page in MULTI: it blanks the zone.
    srv.api(msg(), status=201)
    rc, out, err = c.ctl("-s", srv.url(), "send", "-d", "1m", "")
    check(rc == 0 and sent_json(srv.requests[0])["multi"] == "",
          "empty MULTI: exit %d %r" % (rc, err))

    # --until and --start: local time unless a zone is given, sent as UTC.
    srv.api(msg(), status=201)
    rc, out, err = c.ctl("-s", srv.url(), "send", "-u", "2026-11-29T18:00",
                         "--start", "2026-11-29T16:30:00+00:00", "-p", "1",
                         "x", env={"TZ": "Europe/Zurich"})
    check(rc == 0, "-u: exit %d: %s" % (rc, err))
    body = sent_json(srv.requests[0])
    check(body == {"multi": "x", "priority": 1,
                   "end": "2026-11-29T17:00:00Z",
                   "start": "2026-11-29T16:30:00Z"}, "-u body %r" % body)

    # --json prints the server's answer.
    srv.api(msg(priority=200, zone="top"), status=201)
    rc, out, err = c.ctl("-s", srv.url(), "--json", "send", "-d", "1h", "x")
    check(rc == 0 and json.loads(out) == msg(priority=200, zone="top"),
          "--json: exit %d, stdout %r" % (rc, out))
    for r in srv.requests:
        check(TOKEN not in r["path"], "token in the URL")


@case
def test_send_usage_errors_exit_64_without_a_request(c):
    srv = c.server()
    srv.api(msg(), status=201)
    bad = [
        ["send", "x"],                                # how long?
        ["send", "-d", "1h", "-u", "2026-11-29T18:00", "x"],
        ["send", "-d", "1h"],                         # no MULTI
        ["send", "-d", "1h", "a", "b"],
        ["send", "-d", "1h", "\udcff\udcfe"],         # not UTF-8
        ["send", "-d", "1h", "-p", "0", "x"],
        ["send", "-d", "1h", "-p", "256", "x"],
        ["send", "-d", "1h", "-p", "1e2", "x"],
        ["send", "-d", "1h", "-p", "", "x"],
        ["send", "-d", "0", "x"],
        ["send", "-d", "0m", "x"],
        ["send", "-d", "-5", "x"],
        ["send", "-d", "1x", "x"],
        ["send", "-d", "h", "x"],
        ["send", "-d", "30m1h", "x"],
        ["send", "-d", "1h1h", "x"],
        ["send", "-d", "1h30", "x"],
        ["send", "-d", "99999999999", "x"],
        ["send", "-u", "tomorrow", "x"],
        ["send", "-d", "1h", "--start", "2026-13-01T00:00", "x"],
        ["send", "-d", "1h", "--bogus", "x"],
        ["send", "-d", "1h", "-z"],
        ["validate"],
        ["validate", "a", "b"],
        ["list", "extra"],
        ["cancel"],
        ["cancel", "a/b"],
        ["cancel", "x" * 40],
        ["cancel", "id", "more"],
        ["preset"],
        ["preset", ""],
    ]
    for args in bad:
        rc, out, err = c.ctl("-s", srv.url(), *args)
        check(rc == 64, "%r: exit %d, want 64; %r" % (args, rc, err))
        check(err != "" and out == "", "%r: stdout %r, stderr %r"
              % (args, out, err))
    check(srv.requests == [], "a bad command line reached the server: %r"
          % srv.requests)
    rc, out, _ = c.ctl("--help")
    for cmd in ("send", "list", "cancel", "preset", "validate", "--priority",
                "--duration", "--until", "--zone"):
        check(cmd in out, "--help does not mention %s" % cmd)


@case
def test_send_422_shows_the_multi_error(c):
    srv = c.server()
    srv.api(multi_error(), status=422)
    rc, out, err = c.ctl("-s", srv.url(), "-t", TOKEN, "send", "-d", "1h",
                         "Hallo[xx]Welt")
    check(rc == 1, "exit %d, want 1; stderr: %s" % (rc, err))
    check(out == "", "stdout %r" % out)
    check("HTTP 422" in err and
          "error unsupportedTag 3 at 5: unknown tag [xx]" in err,
          "stderr %r" % err)
    check("  Hallo[xx]Welt\n       ^\n" in err, "no caret: %r" % err)
    rc, out, err = c.ctl("-s", srv.url(), "--json", "send", "-d", "1h",
                         "Hallo[xx]Welt")
    check(rc == 1 and json.loads(out) == multi_error(),
          "--json: exit %d, stdout %r" % (rc, out))


@case
def test_refusals_exit_1_with_the_servers_words(c):
    srv = c.server()
    cases = [
        (400, error("badField", "priority: 300 not in 1..255"),
         "HTTP 400 (badField): priority: 300 not in 1..255"),
        (413, error("payloadTooLarge", "request body over 65536 bytes"),
         "HTTP 413 (payloadTooLarge): request body over 65536 bytes"),
        (429, error("tooManyRequests", "slow down"), "HTTP 429"),
        (404, b"not found", "HTTP 404"),
    ]
    for status, doc, want in cases:
        srv.api(doc, status=status,
                ctype="text/plain" if isinstance(doc, bytes)
                else "application/json")
        rc, out, err = c.ctl("-s", srv.url(), "-t", TOKEN, "send", "-d",
                             "1h", "x")
        check(rc == 1, "%d: exit %d, want 1; %r" % (status, rc, err))
        check(want in err and srv.url() + "/api/v1/messages" in err,
              "%d: want %r in %r" % (status, want, err))


@case
def test_401_and_403_explain_the_token(c):
    srv = c.server()
    srv.api(error("unauthorized", "a valid bearer token is required"
                  "\033[2J"), status=401)
    rc, out, err = c.ctl("-s", srv.url(), "send", "-d", "1h", "x")
    check(rc == 1, "401 without a token: exit %d" % rc)
    check("HTTP 401" in err and "needs a token" in err and
          "TAFEL_TOKEN" in err and "-t" in err, "401: %r" % err)
    check("\033" not in err, "an escape sequence reached stderr")
    check(srv.requests[0]["auth"] == [], "a token was sent")
    rc, out, err = c.ctl("-s", srv.url(), "-t", "wrong-token-0123456789",
                         "cancel", MSG_ID)
    check(rc == 1 and "not accepted" in err, "401 with a token: %d %r"
          % (rc, err))
    srv.api(error("forbidden", "this token may only read"), status=403)
    rc, out, err = c.ctl("-s", srv.url(), "preset", "tunnel-closed",
                         env={"TAFEL_TOKEN": "viewer-token-0123456789"})
    check(rc == 1 and "HTTP 403" in err and "operator token" in err,
          "403: %d %r" % (rc, err))
    check(srv.requests[0]["auth"] == ["Bearer viewer-token-0123456789"],
          "TAFEL_TOKEN not sent: %r" % srv.requests[0]["auth"])


@case
def test_server_trouble_and_bad_answers_exit_3(c):
    srv = c.server()
    for status, doc in ((503, error("storageError", "try again")),
                        (507, error("storeFull", "too many messages")),
                        (500, b"<html>oops</html>")):
        srv.api(doc, status=status)
        rc, out, err = c.ctl("-s", srv.url(), "send", "-d", "1h", "x")
        check(rc == 3 and "HTTP %d" % status in err,
              "%d: exit %d, %r" % (status, rc, err))
    srv.api(b"", status=302)
    rc, out, err = c.ctl("-s", srv.url(), "send", "-d", "1h", "x")
    check(rc == 3 and "HTTP 302" in err and len(srv.requests) == 1,
          "302 (must not follow): %d %r %r" % (rc, err, srv.requests))
    bodies = [
        (b"<html>created</html>", "text/html"),
        (b"", "application/json"),
        (b'{"id": "abc"', "application/json"),
        (b'{"id": "abc"} x', "application/json"),
        (b'["abc"]', "application/json"),
        (b'{"no": "id"}', "application/json"),
        (b'{"id": 42}', "application/json"),
        (b'{"id": "../../health"}', "application/json"),
        (b'{"id": "a\\u001b[2Jb"}', "application/json"),
        (b'{"id": "abc", "priority": "high"}', "application/json"),
        (b'{"id": "abc", "end": "soon"}', "application/json"),
    ]
    for body, ctype in bodies:
        srv.api(body, status=201, ctype=ctype)
        rc, out, err = c.ctl("-s", srv.url(), "send", "-d", "1h", "x")
        check(rc == 3, "201 %r: exit %d, want 3; %r" % (body, rc, err))
        check(out == "" and "\033" not in err, "201 %r: %r %r"
              % (body, out, err))


@case
def test_list_prints_a_table(c):
    srv = c.server()
    doc = {"messages": [
        msg(),
        msg(id="b" * 32, priority=255, zone="ticker", source="preset",
            owner="bob\033[31m", end=None, active=False,
            multi="[fo2]" + "Sehr lange Meldung " * 10),
        msg(id="c0ffee", priority=7, source="gpio", owner="door",
            end="2026-11-30T06:30:00.000Z", multi="Tor\u00a0offen"),
    ]}
    srv.api(doc)
    rc, out, err = c.ctl("-s", srv.url(), "-t", TOKEN, "list",
                         env={"TZ": "UTC"})
    check(rc == 0, "exit %d; %s" % (rc, err))
    only_request(srv, "GET", "/api/v1/messages")
    check(srv.requests[0]["auth"] == ["Bearer " + TOKEN], "token not sent")
    ls = lines(out)
    check(len(ls) == 4, "want a header and 3 rows:\n%s" % out)
    check(re.match(r"^ID +PRIO +ZONE +SOURCE +OWNER +UNTIL +ACTIVE +MULTI$",
                   ls[0]), "header %r" % ls[0])
    check(re.match(r"^3f9a1c2e +100 +- +operator +alice +2026-11-29 18:00 "
                   r"+yes +A2 gesperrt\[nl\]Umleitung U1$", ls[1]),
          "row 1 %r" % ls[1])
    check(re.match(r"^bbbbbbbb +255 +ticker +preset +bob\?\[31m +- +no "
                   r"+\[fo2\]Sehr lange.*\.\.\.$", ls[2]), "row 2 %r" % ls[2])
    check(re.match(r"^c0ffee +7 +- +gpio +door +2026-11-30 06:30 +yes "
                   r"+Tor\u00a0offen$", ls[3]), "row 3 %r" % ls[3])
    col = ls[0].index("UNTIL")
    check(all(l[col:col + 4] in ("2026", "-   ") for l in ls[1:]),
          "UNTIL column not aligned:\n%s" % out)
    check(len(ls[2]) < 160, "MULTI not cut: %d chars" % len(ls[2]))
    check("\033" not in out, "escape sequence in the table")
    rc, out, err = c.ctl("-s", srv.url(), "list", env={"TZ": "Asia/Tokyo"})
    check(rc == 0 and "2026-11-30 03:00" in out,
          "UNTIL not in local time: %r" % out)
    rc, out, err = c.ctl("-s", srv.url(), "list", "--json")
    check(rc == 0 and json.loads(out) == doc, "--json: %d %r" % (rc, out))
    srv.api({"messages": []})
    rc, out, err = c.ctl("-s", srv.url(), "list")
    check(rc == 0 and out == "no messages\n", "empty: %d %r" % (rc, out))
    for bad, want in (({"messages": {}}, "messages: want an array"),
                      ({}, "messages: want an array"),
                      ({"messages": [msg(priority="9")]},
                       "messages[0].priority"),
                      ({"messages": [msg(), msg(active="yes")]},
                       "messages[1].active"),
                      ({"messages": [msg(id=None)]}, "messages[0].id"),
                      ({"messages": [msg(id="a b")]}, "messages[0].id"),
                      ({"messages": [msg(start="now")]},
                       "messages[0].start")):
        srv.api(bad)
        rc, out, err = c.ctl("-s", srv.url(), "list")
        check(rc == 3 and want in err and out == "",
              "%s: exit %d, %r" % (want, rc, err))


@case
def test_cancel_by_id_and_by_prefix(c):
    srv = c.server()
    srv.api(error("notFound", "no message with this id"), status=404)
    srv.route("DELETE", "/api/v1/messages/" + MSG_ID, {"deleted": True})
    rc, out, err = c.ctl("-s", srv.url(), "-t", TOKEN, "cancel", MSG_ID)
    check(rc == 0 and out == "cancelled %s\n" % MSG_ID,
          "exit %d, stdout %r, stderr %r" % (rc, out, err))
    r = only_request(srv, "DELETE", "/api/v1/messages/" + MSG_ID)
    check(r["auth"] == ["Bearer " + TOKEN] and r["body"] == b"",
          "request %r" % r)
    del srv.requests[:]
    rc, out, err = c.ctl("-s", srv.url(), "--json", "cancel", MSG_ID)
    check(rc == 0 and json.loads(out) == {"deleted": True},
          "--json: %d %r" % (rc, out))

    # An unknown id: 404, exit 1; too short to be a prefix: one request.
    del srv.requests[:]
    rc, out, err = c.ctl("-s", srv.url(), "cancel", "3f9a1")
    check(rc == 1 and "HTTP 404" in err and "no message with this id" in err,
          "404: exit %d %r" % (rc, err))
    only_request(srv, "DELETE", "/api/v1/messages/3f9a1")

    # The short id of the list table stands for the one id it starts.
    srv.route("GET", "/api/v1/messages",
              {"messages": [msg(), msg(id="3f9a00" + "0" * 26)]})
    del srv.requests[:]
    rc, out, err = c.ctl("-s", srv.url(), "cancel", MSG_ID[:8])
    check(rc == 0 and out == "cancelled %s\n" % MSG_ID,
          "prefix: exit %d, %r %r" % (rc, out, err))
    check([(r["method"], r["path"]) for r in srv.requests] ==
          [("DELETE", "/api/v1/messages/" + MSG_ID[:8]),
           ("GET", "/api/v1/messages"),
           ("DELETE", "/api/v1/messages/" + MSG_ID)],
          "requests %r" % srv.requests)
    rc, out, err = c.ctl("-s", srv.url(), "cancel", "3f9a00")
    check(rc == 1 and "HTTP 404" in err, "3f9a00 (its DELETE is 404): %d %r"
          % (rc, err))
    rc, out, err = c.ctl("-s", srv.url(), "cancel", "3f9a0")
    check(rc == 1, "5 characters are no prefix: %d" % rc)
    srv.route("GET", "/api/v1/messages",
              {"messages": [msg(), msg(id=MSG_ID[:10] + "x")]})
    rc, out, err = c.ctl("-s", srv.url(), "cancel", MSG_ID[:8])
    check(rc == 1 and "2 messages" in err, "ambiguous: %d %r" % (rc, err))
    srv.route("GET", "/api/v1/messages", {"messages": []})
    rc, out, err = c.ctl("-s", srv.url(), "cancel", "deadbeef")
    check(rc == 1 and "HTTP 404" in err and out == "",
          "no match: %d %r" % (rc, err))


@case
def test_preset_posts_the_encoded_name(c):
    srv = c.server()
    srv.api(msg(source="preset", end=None), status=201)
    rc, out, err = c.ctl("-s", srv.url(), "-t", TOKEN, "preset", "event-kkl")
    check(rc == 0 and out == MSG_ID + "\n", "exit %d, %r %r"
          % (rc, out, err))
    r = only_request(srv, "POST", "/api/v1/presets/event-kkl")
    check(r["body"] == b"" and r["ctype"] is None,
          "body %r, Content-Type %r" % (r["body"], r["ctype"]))
    check(r["auth"] == ["Bearer " + TOKEN], "token %r" % r["auth"])
    del srv.requests[:]
    rc, out, err = c.ctl("-s", srv.url(), "preset", "A2 Nord/S\u00fcd?x=1#y")
    check(rc == 0, "exit %d %r" % (rc, err))
    only_request(srv, "POST",
                 "/api/v1/presets/A2%20Nord%2FS%C3%BCd%3Fx%3D1%23y")
    del srv.requests[:]
    rc, out, err = c.ctl("-s", srv.url(), "preset", "..")
    only_request(srv, "POST", "/api/v1/presets/..")
    srv.api(error("notFound", "no preset with this name"), status=404)
    rc, out, err = c.ctl("-s", srv.url(), "preset", "nope")
    check(rc == 1 and "no preset with this name" in err and out == "",
          "404: %d %r" % (rc, err))
    srv.api(msg(source="preset", end=None), status=201)
    rc, out, err = c.ctl("-s", srv.url(), "preset", "--json", "event-kkl")
    check(rc == 0 and json.loads(out) == msg(source="preset", end=None),
          "--json: %d %r" % (rc, out))


@case
def test_validate_prints_ok_or_the_multi_error(c):
    srv = c.server()
    srv.api({"ok": True, "pages": 2})
    rc, out, err = c.ctl("-s", srv.url(), "validate", "A[np]B", "--zone",
                         "ticker")
    check(rc == 0 and out == "ok 2 pages\n", "exit %d, %r %r"
          % (rc, out, err))
    r = only_request(srv, "POST", "/api/v1/validate")
    check(sent_json(r) == {"multi": "A[np]B", "zone": "ticker"},
          "body %r" % r["body"])
    srv.api({"ok": True, "pages": 1})
    rc, out, err = c.ctl("-s", srv.url(), "validate", "A")
    check(rc == 0 and out == "ok 1 page\n", "%d %r" % (rc, out))
    check(sent_json(srv.requests[0]) == {"multi": "A"}, "no zone wanted")
    rc, out, err = c.ctl("-s", srv.url(), "--json", "validate", "A")
    check(rc == 0 and json.loads(out) == {"ok": True, "pages": 1},
          "--json: %r" % out)

    srv.api(multi_error(), status=422)
    rc, out, err = c.ctl("-s", srv.url(), "validate", "Hallo[xx]Welt")
    check(rc == 1, "422: exit %d" % rc)
    check(out == "error unsupportedTag 3 at 5: unknown tag [xx]\n"
          "  Hallo[xx]Welt\n       ^\n", "422: stdout %r" % out)
    check(err == "", "422: stderr %r" % err)
    # Positions count code points; a long MULTI gets no caret.
    srv.api(multi_error("fontNotDefined", 6, 2, "x"), status=422)
    rc, out, err = c.ctl("-s", srv.url(), "validate", "\u00fc\u00fc[xx]")
    check(out.endswith("  \u00fc\u00fc[xx]\n    ^\n"), "caret %r" % out)
    rc, out, err = c.ctl("-s", srv.url(), "validate", "y" * 300)
    check(rc == 1 and lines(out) == ["error fontNotDefined 6 at 2: x"],
          "long: %r" % out)
    rc, out, err = c.ctl("-s", srv.url(), "validate", "--json", "A")
    check(rc == 1 and json.loads(out) == multi_error("fontNotDefined", 6,
                                                     2, "x"),
          "--json 422: %r" % out)
    # A 422 that is no MULTI error is shown like any refusal.
    srv.api(error("unprocessable", "no"), status=422)
    rc, out, err = c.ctl("-s", srv.url(), "validate", "A")
    check(rc == 1 and out == "" and "HTTP 422 (unprocessable): no" in err,
          "plain 422: %r %r" % (out, err))
    for bad in ({"ok": False, "pages": 1}, {"pages": 1}, {"ok": True},
                {"ok": True, "pages": -1}, {"ok": "true", "pages": 1}):
        srv.api(bad)
        rc, out, err = c.ctl("-s", srv.url(), "validate", "A")
        check(rc == 3 and out == "", "%r: exit %d" % (bad, rc))


@case
def test_every_command_exits_3_when_the_server_is_down(c):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    url = "http://127.0.0.1:%d" % port
    for args, path in ((["send", "-d", "1h", "x"], "/api/v1/messages"),
                       (["list"], "/api/v1/messages"),
                       (["cancel", MSG_ID], "/api/v1/messages/" + MSG_ID),
                       (["preset", "p"], "/api/v1/presets/p"),
                       (["validate", "x"], "/api/v1/validate")):
        rc, out, err = c.ctl("-s", url, *args)
        check(rc == 3 and url + path in err and "onnect" in err,
              "%s: exit %d, %r" % (args[0], rc, err))
        check(out == "", "%s: printed %r" % (args[0], out))


@case
def test_a_hanging_api_is_bounded_by_timeout(c):
    srv = c.server()
    srv.api(b"", status=201)
    srv.serve(b"", mode="hang")
    t0 = time.monotonic()
    rc, out, err = c.ctl("-s", srv.url(), "--timeout", "0.5", "send", "-d",
                         "1h", "x")
    check(rc == 3 and time.monotonic() - t0 < 3, "exit %d after %.1f s"
          % (rc, time.monotonic() - t0))


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


@case
def test_real_daemon_messages(c):
    """send, list, cancel and preset against the real tafeld's API."""
    tafeld = os.path.join(os.path.dirname(TAFELCTL), "tafeld")
    if not os.access(tafeld, os.X_OK):
        raise Skip("no %s" % tafeld)
    h.TAFELD = tafeld
    op, viewer = "op-" + "k" * 24, "view-" + "v" * 24
    tokens = c.path("tokens")
    with open(tokens, "w") as f:
        f.write("ops:%s\nwatch:%s:viewer\n" % (op, viewer))
    os.chmod(tokens, 0o600)
    c.write("layout.json", h.layout(192, 96, [
        h.region("a", 0, 0, 192, 96, [h.text("Hi")])]))
    conf = c.config(w=192, h=96,
                    http={"listen": ["127.0.0.1:0"], "tokens_file": tokens},
                    messages={"presets": [{
                        "name": "tunnel-closed", "multi": "Tunnel zu",
                        "priority": 150, "duration_s": 600}]})
    rc, _, err = c.tafeld("-n", "-c", conf)
    if rc != 0 and "unknown key" in err:
        raise Skip("this tafeld has no message API yet: %s"
                   % err.strip().splitlines()[0])
    d = c.start(conf, env={"no_proxy": "*", "NO_PROXY": "*"})
    try:
        _, m = d.wait_log(r"^<5>http: listening on 127\.0\.0\.1:0 "
                          r"\(port (\d+)\)")
    except Fail:
        raise Skip("this tafeld serves no HTTP yet")
    url = "http://127.0.0.1:%s" % m.group(1)

    def ctl(*args, token=op):
        return c.ctl("-s", url, *args, env={"TAFEL_TOKEN": token})

    rc, out, err = ctl("validate", "Hallo")
    if rc == 1 and "HTTP 404" in err:
        raise Skip("this tafeld serves no /api/v1 yet")
    check(rc == 0 and re.match(r"^ok \d+ pages?$", out),
          "validate: exit %d, %r %r" % (rc, out, err))
    rc, out, err = ctl("validate", "Hallo[xx]")
    check(rc == 1 and out.startswith("error unsupportedTag 3 at 5"),
          "validate [xx]: exit %d, %r %r" % (rc, out, err))

    rc, out, err = ctl("send", "-d", "10m", "A2 gesperrt", token="")
    check(rc == 1 and "HTTP 401" in err and "needs a token" in err,
          "no token: exit %d, %r" % (rc, err))
    rc, out, err = ctl("send", "-d", "10m", "A2 gesperrt", token=viewer)
    check(rc == 1 and "HTTP 403" in err, "viewer: exit %d, %r" % (rc, err))
    rc, out, err = ctl("send", "-d", "10m", "-p", "300", "x")
    check(rc == 64, "-p 300: exit %d" % rc)
    rc, out, err = ctl("send", "-d", "10m", "-z", "nowhere", "x")
    check(rc == 1 and "HTTP 400" in err and "zone" in err,
          "unknown zone: exit %d, %r" % (rc, err))

    rc, out, err = ctl("send", "-p", "200", "-d", "10m", "A2 gesperrt")
    check(rc == 0 and re.match(r"^[0-9A-Za-z_.-]+\n$", out),
          "send: exit %d, %r %r" % (rc, out, err))
    mid = out.strip()
    rc, out, err = ctl("list")
    check(rc == 0, "list: exit %d, %r" % (rc, err))
    line_matching(out, r"^%s +200 +- +operator +ops +\d{4}-\d\d-\d\d "
                  r"\d\d:\d\d +yes +A2 gesperrt$" % re.escape(mid[:8]))
    rc, out, err = ctl("--json", "list")
    ids = [x["id"] for x in json.loads(out)["messages"]]
    check(rc == 0 and mid in ids, "list --json: %r" % ids)

    rc, out, err = ctl("preset", "tunnel-closed")
    check(rc == 0, "preset: exit %d, %r" % (rc, err))
    pid = out.strip()
    rc, out, err = ctl("list", token=viewer)
    line_matching(out, r"^%s +150 +- +preset +ops +\d{4}-.* +yes "
                  r"+Tunnel zu$" % re.escape(pid[:8]))
    rc, out, err = ctl("preset", "no-such-preset")
    check(rc == 1 and "HTTP 404" in err, "unknown preset: %d %r"
          % (rc, err))

    rc, out, err = ctl("cancel", mid[:8])
    check(rc == 0 and out == "cancelled %s\n" % mid,
          "cancel: exit %d, %r %r" % (rc, out, err))
    rc, out, err = ctl("cancel", pid)
    check(rc == 0, "cancel preset: exit %d, %r" % (rc, err))
    rc, out, err = ctl("--json", "list")
    ids = [x["id"] for x in json.loads(out)["messages"]]
    check(mid not in ids and pid not in ids, "still listed: %r" % ids)
    rc, out, err = ctl("cancel", mid)
    check(rc == 1 and "HTTP 404" in err, "cancel again: exit %d, %r"
          % (rc, err))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


# ---------------------------------------------------------------------------

def set_tafelctl(path):
    global TAFELCTL
    TAFELCTL = path


def main(argv):
    return h.main_for(CASES, argv, binary_desc="path/to/tafelctl",
                      set_binary=set_tafelctl, case_class=Case)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
