#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tafel authors
"""Integration tests of the monitoring endpoints: the real tafeld serving
/health, /metrics, /snapshot.png and /api/v1/display on a free port of
127.0.0.1 (and ::1), fed by the fixture feed server (tools/feedserver.py).

    python3 tests/integration/monitor.py build/tafeld [CASE...]

The harness is run.py's (Case, Daemon, the test font) with feeds.py's feed
server and park layouts.  Every case has its own temporary folder, feed
server and tafeld; every wait is bounded and everything started is killed
at the end of its case.  The last line is "N passed, N failed"; the exit
code is 1 when anything failed.  /metrics is checked with promtool (Debian
package prometheus); its absence is a failure, not a skip.

Not flaky by construction: health states are polled until they appear (or
a bound passes) rather than sampled once, feed documents are frozen so that
what the daemon fetched is known, and the board that must never turn fail
is watched for two seconds longer than the stall limit.
"""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as h  # noqa: E402  (the harness of the other integration tests)
import feeds as fd  # noqa: E402  (the feed server and park layouts)
from run import Fail, check  # noqa: E402

HTTP_TIMEOUT_S = 5
PROMTOOL = "/usr/bin/promtool"
HEALTH_TYPE = "application/health+json"
TICKER = "Zug 17 Bern ab 08:42 Gleis 3"


# ---------------------------------------------------------------------------
# HTTP against the daemon
# ---------------------------------------------------------------------------

def http_port(d, addr="127.0.0.1:0"):
    """The port tafeld logged for the listen address addr."""
    _, m = d.wait_log(r"^<5>http: listening on %s \(port (\d+)\)$"
                      % re.escape(addr))
    return int(m.group(1))


class Client:
    """Requests to one tafeld, a new connection each, with a timeout, so
    that one stuck answer fails its case instead of holding up the run."""

    def __init__(self, d, host="127.0.0.1", addr="127.0.0.1:0"):
        self.d = d
        self.host = host
        self.port = http_port(d, addr)

    def request(self, method, path, body=None, headers=None):
        """(status, {lower-case header: value}, body bytes)."""
        conn = http.client.HTTPConnection(self.host, self.port,
                                          timeout=HTTP_TIMEOUT_S)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return (r.status, {k.lower(): v for k, v in r.getheaders()},
                    r.read())
        finally:
            conn.close()

    def get(self, path):
        return self.request("GET", path)

    def json(self, path, want=None):
        status, hdrs, body = self.get(path)
        if want is not None:
            check(status in want, "GET %s: %d, want %s: %s"
                  % (path, status, want, body[:300]))
        try:
            return status, hdrs, json.loads(body)
        except ValueError:
            raise Fail("GET %s: not JSON: %r" % (path, body[:300]))

    def health(self):
        """(HTTP status, the document); the status must fit the document
        and the content type must be the draft's."""
        status, hdrs, doc = self.json("/health")
        check(hdrs.get("content-type", "").split(";")[0] == HEALTH_TYPE,
              "/health: Content-Type %r, want %s"
              % (hdrs.get("content-type"), HEALTH_TYPE))
        want = 503 if doc.get("status") == "fail" else 200
        check(status == want, "/health: HTTP %d for status %r, want %d"
              % (status, doc.get("status"), want))
        return status, doc

    def wait_health(self, pred, timeout, what):
        """Poll /health until pred(doc) is true; return the document."""
        end = time.monotonic() + timeout
        doc = None
        while True:
            _, doc = self.health()
            if pred(doc):
                return doc
            if time.monotonic() > end:
                raise Fail("%s: not within %gs; last /health:\n%s"
                           % (what, timeout, json.dumps(doc, indent=1)))
            time.sleep(0.1)

    def metrics(self):
        status, hdrs, body = self.get("/metrics")
        check(status == 200, "/metrics: HTTP %d" % status)
        check(hdrs.get("content-type", "").startswith("text/plain"),
              "/metrics: Content-Type %r" % hdrs.get("content-type"))
        return body.decode()

    def png(self, path="/snapshot.png"):
        status, hdrs, body = self.get(path)
        check(status == 200, "%s: HTTP %d: %r" % (path, status, body[:200]))
        check(hdrs.get("content-type") == "image/png",
              "%s: Content-Type %r" % (path, hdrs.get("content-type")))
        f = self.d.case.path("http-%d.png" % time.monotonic_ns())
        with open(f, "wb") as out:
            out.write(body)
        return h.read_png(f)


def one(doc, key):
    """The single check object of doc["checks"][key]."""
    checks = doc.get("checks", {})
    check(key in checks, "/health has no check %r (has %s)"
          % (key, sorted(checks)))
    arr = checks[key]
    check(isinstance(arr, list) and len(arr) == 1 and
          isinstance(arr[0], dict), "checks[%r] is %r, want an array of "
          "one object" % (key, arr))
    return arr[0]


def sample(text, name, labels=None):
    """The value of the sample name{labels} in a Prometheus text page
    (labels: a dict that must match exactly), or None."""
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$", line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|'
                              r'\\.)*)"', m.group(3) or ""))
        if labels is None and not got or labels == got:
            return float(m.group(4))
    return None


def names(text):
    return {re.match(r"^[a-zA-Z_:][a-zA-Z0-9_:]*", l).group(0)
            for l in text.splitlines() if l and not l.startswith("#")}


# ---------------------------------------------------------------------------
# Layouts and configs
# ---------------------------------------------------------------------------

def ticker_layout(c, name="layout.json", msg=TICKER, speed=40, w=64,
                  below=None):
    """A scrolling ticker on the top row; below: widgets of a second row."""
    regions = [h.region("tick", 0, 0, w, 8, [h.text(
        msg, color=h.RED, valign="top", overflow="scroll",
        scroll_speed=speed, scroll_gap=16)])]
    if below is not None:
        regions.append(h.region("below", 0, 8, w, 8, below))
    return c.write(name, h.layout(w, 16, regions, background=h.BOARD_BG))


def park_conf(c, srv, codes, http=None, top=None, conf_kw=None,
              **feed_kw):
    """A park board of codes fed from srv; (config path, height)."""
    height = fd.park_board(c, codes, top=top)
    hc = {"listen": ["127.0.0.1:0"]}
    hc.update(http or {})
    return c.config(w=fd.BOARD_W, h=height, http=hc,
                    feeds=[fd.feed(srv.url(fd.PLS), **feed_kw)],
                    **(conf_kw or {})), height


def feed_ok(doc, fid="pls"):
    f = one(doc, "feed:" + fid)
    return f.get("status") == "pass" and f.get("items", 0) > 0


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


@case
def test_health_all_fresh_passes(c):
    srv = fd.FeedServer(c)
    doc = fd.frozen_doc(srv)
    codes = ["SP01", "SP02", "NP12", "NP13", "AP01"]
    conf, height = park_conf(c, srv, codes,
                             conf_kw={"service_id": "tafel-test-1"})
    d = c.start(conf)
    cl = Client(d)
    hd = cl.wait_health(lambda x: x.get("status") == "pass" and feed_ok(x),
                        4, "all fresh: status pass")
    status, _ = cl.health()
    check(status == 200, "pass: HTTP %d" % status)
    for k in ("status", "version", "serviceId", "checks"):
        check(k in hd, "/health has no %r: %s" % (k, sorted(hd)))
    check(isinstance(hd["version"], str) and hd["version"],
          "version %r" % hd["version"])
    check(hd["serviceId"] == "tafel-test-1", "serviceId %r, want the "
          "config's service_id" % hd["serviceId"])
    want_keys = {"display:board", "rendering:frames", "feed:pls", "uptime"}
    check(want_keys <= set(hd["checks"]), "checks %s, want at least %s"
          % (sorted(hd["checks"]), sorted(want_keys)))
    for k in hd["checks"]:
        st = one(hd, k).get("status")
        check(st in ("pass", "warn", "fail"), "checks[%r].status %r"
              % (k, st))
        check(st == "pass", "all fresh: checks[%r].status %r, want pass"
              % (k, st))
    board = one(hd, "display:board")
    check((board.get("width"), board.get("height"), board.get("system")) ==
          (fd.BOARD_W, height, "dummy"), "display:board %s, want %dx%d "
          "dummy" % (board, fd.BOARD_W, height))
    ren = one(hd, "rendering:frames")
    check(isinstance(ren.get("observedValue"), int) and
          ren["observedValue"] >= 1, "rendering frames %r"
          % ren.get("observedValue"))
    check(re.match(r"^[0-9a-f]{16}$", ren.get("pixelHash", "")),
          "pixelHash %r" % ren.get("pixelHash"))
    # A park board is "animating" in the renderer's sense (its data turns
    # stale at a known time), but nothing is overdue.
    check(ren.get("stalled") is False, "a park board: stalled %r"
          % ren.get("stalled"))
    check(set(ren.get("pages", {})) == set(codes),
          "rendering pages %s, want the regions %s"
          % (ren.get("pages"), codes))
    f = one(hd, "feed:pls")
    parks = doc["data"]["parkings"]
    check(f.get("items") == len(parks) and f.get("itemsNoData") == 0,
          "feed:pls items %r itemsNoData %r, want %d and 0"
          % (f.get("items"), f.get("itemsNoData"), len(parks)))
    check(f.get("stale") is False, "feed:pls stale %r" % f.get("stale"))
    age = f.get("observedValue")
    check(isinstance(age, (int, float)) and -2 <= age <= 30 and
          f.get("observedUnit") == "s", "feed:pls age %r %r, want a few "
          "seconds" % (age, f.get("observedUnit")))
    up = one(hd, "uptime")
    check(isinstance(up.get("observedValue"), int) and
          0 <= up["observedValue"] <= 10, "uptime %r" % up)
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_health_stale_and_failing_feeds_warn(c):
    srv = fd.FeedServer(c)
    # Stale: a document ten minutes old, data stale after one.
    fd.frozen_doc(srv, age_s=600)
    codes = ["SP01", "SP02", "SP03"]
    conf, _ = park_conf(c, srv, codes, stale_after_s=60)
    d = c.start(conf)
    cl = Client(d)
    hd = cl.wait_health(lambda x: one(x, "feed:pls").get("fetches", 0) > 0
                        and one(x, "feed:pls").get("items", 0) > 0,
                        4, "stale feed fetched")
    status, hd = cl.health()
    f = one(hd, "feed:pls")
    check(status == 200 and hd["status"] == "warn",
          "stale feed: HTTP %d status %r, want 200 warn"
          % (status, hd["status"]))
    check(f.get("status") == "warn" and f.get("stale") is True,
          "stale feed check: %s" % f)
    check(f.get("items", 0) > 0 and f.get("itemsNoData") == f.get("items"),
          "stale feed: itemsNoData %r, want items (%r)"
          % (f.get("itemsNoData"), f.get("items")))
    check(isinstance(f.get("observedValue"), (int, float)) and
          590 <= f["observedValue"] <= 700,
          "stale feed: age %r, want about 600 s" % f.get("observedValue"))
    check(one(hd, "rendering:frames")["status"] == "pass",
          "stale feed: the rendering check is not pass")
    check(d.stop() == 0, "SIGTERM: exit code not 0")

    # Failing: fresh first, then the server answers 500.
    fd.frozen_doc(srv)
    conf, _ = park_conf(c, srv, codes, stale_after_s=300)
    d = c.start(conf)
    cl = Client(d)
    cl.wait_health(lambda x: x["status"] == "pass", 4, "fresh feed: pass")
    srv.control("500")
    hd = cl.wait_health(lambda x: x["status"] == "warn", 5,
                        "failing feed (500): warn")
    status, _ = cl.health()
    check(status == 200, "failing feed: HTTP %d, want 200" % status)
    f = one(hd, "feed:pls")
    check(f.get("status") == "warn", "failing feed check: %s" % f)
    check("500" in (f.get("output") or ""), "failing feed: output %r does "
          "not name the HTTP status 500" % f.get("output"))
    check(f.get("failures", 0) >= 1, "failing feed: failures %r"
          % f.get("failures"))
    # The last good data stays on the board.
    check(f.get("stale") is False and f.get("itemsNoData") == 0,
          "failing feed: stale %r itemsNoData %r, want the last good data "
          "kept" % (f.get("stale"), f.get("itemsNoData")))
    srv.control("frozen")
    cl.wait_health(lambda x: x["status"] == "pass", 6,
                   "feed recovered: pass again")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_health_fails_when_the_display_stalls(c):
    # Spaces wider than the widget: the renderer scrolls them (and so
    # promises a change every frame) but no pixel ever changes.
    blank = " " * 30
    ticker_layout(c, msg=blank, speed=40)
    conf = c.config(w=64, http={"listen": ["127.0.0.1:0"], "stall_s": 1})
    t0 = time.monotonic()
    d = c.start(conf)
    cl = Client(d)
    hd = cl.wait_health(lambda x: x["status"] == "fail", 4,
                        "stalled board: status fail")
    took = time.monotonic() - t0
    status, _ = cl.health()
    ren = one(hd, "rendering:frames")
    check(status == 503, "stalled board: HTTP %d, want 503" % status)
    check(ren.get("status") == "fail" and ren.get("stalled") is True and
          ren.get("animating") is True, "stalled board: rendering %s" % ren)
    check(took <= 3.5, "stalled board: fail only after %.1f s with "
          "stall_s 1" % took)
    m = cl.metrics()
    check(sample(m, "tafel_board_stalled") == 1 and
          sample(m, "tafel_up") == 0, "stalled board: tafel_board_stalled "
          "%r tafel_up %r" % (sample(m, "tafel_board_stalled"),
                               sample(m, "tafel_up")))
    check(d.stop() == 0, "SIGTERM: exit code not 0")

    # The control: a real ticker never turns fail.
    ticker_layout(c, name="ticker.json", speed=20)
    conf = c.config(name="ticker-conf.json", layout_file="ticker.json", w=64,
                    http={"listen": ["127.0.0.1:0"], "stall_s": 1})
    d = c.start(conf)
    cl = Client(d)
    end = time.monotonic() + 3
    seen = 0
    while time.monotonic() < end:
        status, hd = cl.health()
        ren = one(hd, "rendering:frames")
        check(hd["status"] == "pass" and ren.get("stalled") is False,
              "scrolling ticker after %.1f s: %s %s"
              % (3 - (end - time.monotonic()), hd["status"], ren))
        check(ren.get("animating") is True, "ticker: animating %r"
              % ren.get("animating"))
        seen += 1
        time.sleep(0.1)
    check(seen >= 10, "only %d /health answers in 3 s" % seen)
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_metrics_pass_promtool(c):
    check(os.access(PROMTOOL, os.X_OK), "%s is missing: apt-get install "
          "-y prometheus" % PROMTOOL)
    srv = fd.FeedServer(c)
    fd.frozen_doc(srv)
    top = h.region("tick", 0, 0, fd.BOARD_W, 8, [h.text(
        TICKER * 3, color=h.RED, valign="top", overflow="scroll",
        scroll_speed=40, scroll_gap=16)])
    conf, _ = park_conf(c, srv, ["SP01", "SP02"], top=top)
    d = c.start(conf)
    cl = Client(d)
    cl.wait_health(lambda x: feed_ok(x), 4, "feed fetched")
    check(cl.get("/health")[0] == 200, "/health not 200")
    first = cl.metrics()
    time.sleep(0.5)
    second = cl.metrics()
    for i, page in enumerate((first, second)):
        p = subprocess.run([PROMTOOL, "check", "metrics"], input=page,
                           capture_output=True, text=True, timeout=10)
        check(p.returncode == 0, "promtool check metrics (scrape %d): exit "
              "%d:\n%s%s" % (i + 1, p.returncode, p.stdout, p.stderr))
    want = {"tafel_frames_total", "tafel_feed_fetches_total",
            "tafel_feed_age_seconds", "tafel_render_seconds_bucket",
            "tafel_http_requests_total", "process_resident_memory_bytes"}
    check(want <= names(second), "missing metrics: %s"
          % sorted(want - names(second)))
    f1 = sample(first, "tafel_frames_total")
    f2 = sample(second, "tafel_frames_total")
    check(f1 is not None and f2 is not None and f2 > f1,
          "tafel_frames_total %r then %r 0.5 s later while a ticker "
          "scrolls" % (f1, f2))
    # 40 px/s: about 20 frames in 0.5 s.
    check(5 <= f2 - f1 <= 60, "tafel_frames_total grew by %d in 0.5 s "
          "at 40 px/s" % (f2 - f1))
    fetches = sample(second, "tafel_feed_fetches_total", {"feed": "pls"})
    check(fetches is not None and fetches >= 1,
          'tafel_feed_fetches_total{feed="pls"} %r' % fetches)
    age = sample(second, "tafel_feed_age_seconds", {"feed": "pls"})
    check(age is not None and -2 <= age <= 60,
          'tafel_feed_age_seconds{feed="pls"} %r' % age)
    inf = sample(second, "tafel_render_seconds_bucket", {"le": "+Inf"})
    cnt = sample(second, "tafel_render_seconds_count")
    check(inf is not None and inf == cnt and inf >= f2 - 1,
          "tafel_render_seconds: +Inf bucket %r, count %r, frames %r"
          % (inf, cnt, f2))
    n = sample(second, "tafel_http_requests_total",
               {"route": "/health", "status": "200"})
    check(n is not None and n >= 1, 'tafel_http_requests_total{route='
          '"/health",status="200"} %r after a /health request' % n)
    cl.get("/health")
    third = cl.metrics()
    n3 = sample(third, "tafel_http_requests_total",
                {"route": "/health", "status": "200"})
    check(n3 == n + 1, "one more /health: the counter went %r -> %r"
          % (n, n3))
    m = sample(third, "tafel_http_requests_total",
               {"route": "/metrics", "status": "200"})
    check(m is not None and m >= 2, "/metrics scrapes counted %r" % m)
    rss = sample(third, "process_resident_memory_bytes")
    check(rss is not None and rss > 1 << 20,
          "process_resident_memory_bytes %r" % rss)
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_snapshot_png_is_the_golden_frame(c):
    h.two_blocks(c)
    lay = json.load(open(c.path("layout.json")))
    lay["regions"].append(h.region("t", 8, 8, 32, 8, [h.text(
        "P 42", color=h.BLUE, valign="top")]))
    c.write("layout.json", lay)
    conf = c.config()
    golden = c.once(conf, out="golden.png")
    check((golden.w, golden.h) == (48, 16), "--once %dx%d"
          % (golden.w, golden.h))
    check(len(golden.colours()) == 4, "golden frame colours %s"
          % golden.colours())
    d = c.start(conf)
    cl = Client(d)
    img = cl.png()
    check((img.w, img.h) == (48, 16), "/snapshot.png %dx%d, want 48x16"
          % (img.w, img.h))
    _, hd = cl.health()
    board = one(hd, "display:board")
    check((board.get("width"), board.get("height")) == (img.w, img.h),
          "/snapshot.png %dx%d, display:board says %sx%s"
          % (img.w, img.h, board.get("width"), board.get("height")))
    bad = [(x, y, p, golden.at(x, y)) for x, y, p in img.pixels()
           if golden.at(x, y) != p]
    check(not bad, "/snapshot.png differs from --once --snapshot in %d "
          "pixels, first %s" % (len(bad), bad[:3]))
    _, usr1 = d.usr1()
    check(usr1.rows == img.rows, "/snapshot.png differs from the SIGUSR1 "
          "snapshot")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_display_api_lists_what_the_board_shows(c):
    srv = fd.FeedServer(c)
    doc = fd.frozen_doc(srv, override={"NP12": {"vacancy": 0}})
    codes = ["SP01", "SP02", "NP12", "NP13"]
    top = h.region("tick", 0, 0, fd.BOARD_W, 8, [h.text(
        TICKER * 3, color=h.RED, valign="top", overflow="scroll",
        scroll_speed=40, scroll_gap=16)])
    conf, _ = park_conf(c, srv, codes, top=top)
    d = c.start(conf)
    cl = Client(d)
    want = fd.expect(doc, codes)
    end = time.monotonic() + 4
    while True:
        status, hdrs, ro = cl.json("/api/v1/display", want=(200,))
        got = fd.shown(ro)
        if got == want:
            break
        check(time.monotonic() < end, "/api/v1/display after 4 s: %s"
              % fd.diff(got, want))
        time.sleep(0.1)
    check(hdrs.get("content-type", "").startswith("application/json"),
          "/api/v1/display: Content-Type %r" % hdrs.get("content-type"))
    names_ = [r.get("name") for r in ro.get("regions", [])]
    check(names_ == ["tick"] + codes, "regions %s, want %s"
          % (names_, ["tick"] + codes))
    tick = ro["regions"][0]
    check(tick.get("page") == 0 and tick.get("widgets") ==
          [{"type": "text", "text": TICKER * 3}],
          "ticker region %s" % tick)
    labels = fd.labels(ro)
    parks = doc["data"]["parkings"]
    for code in codes:
        check(labels.get(code) == parks[code]["description"],
              "%s: label %r, want %r" % (code, labels.get(code),
                                          parks[code]["description"]))
    check(isinstance(ro.get("messages"), list), "messages %r"
          % ro.get("messages"))
    check(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$",
                   str(ro.get("time"))), "time %r" % ro.get("time"))
    f1 = ro.get("frame")
    time.sleep(0.3)
    _, _, ro2 = cl.json("/api/v1/display", want=(200,))
    f2 = ro2.get("frame")
    check(isinstance(f1, int) and isinstance(f2, int) and f2 > f1,
          "frame %r then %r 0.3 s later while the ticker scrolls"
          % (f1, f2))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_monitoring_needs_a_token_when_not_public(c):
    """http.health_public false: every monitoring endpoint answers 401
    without a token and 200 with a viewer token."""
    h.two_blocks(c)
    tok = "viewer-token-0123456789"
    c.write("tokens", "mon:%s:viewer\n" % tok)
    conf = c.config(http={"listen": ["127.0.0.1:0"], "health_public": False,
                          "tokens_file": "tokens"})
    d = c.start(conf)
    cl = Client(d)
    for path in ("/health", "/metrics", "/snapshot.png", "/api/v1/display",
                 "/"):
        status, _, _ = cl.request("GET", path)
        check(status == 401, "GET %s without a token: HTTP %d" % (path, status))
        status, _, _ = cl.request("GET", path, headers={
            "Authorization": "Bearer " + tok})
        check(status in (200, 503), "GET %s with a viewer token: HTTP %d"
              % (path, status))


@case
def test_https_when_a_certificate_is_configured(c):
    """http.tls_cert + tls_key: the same endpoints over HTTPS (checked
    against the certificate), and plain HTTP on that port is refused."""
    import ssl
    h.two_blocks(c)
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-keyout", c.path("key.pem"), "-out",
                        c.path("cert.pem"), "-days", "2", "-subj",
                        "/CN=127.0.0.1", "-addext",
                        "subjectAltName=IP:127.0.0.1"],
                       capture_output=True, timeout=60)
    check(r.returncode == 0, "openssl: %s" % r.stderr[-300:])
    conf = c.config(http={"listen": ["127.0.0.1:0"],
                          "tls_cert": "cert.pem", "tls_key": "key.pem"})
    d = c.start(conf)
    _, m = d.wait_log(r"^<5>http: listening on \S+ \(port (\d+)\)")
    port = int(m.group(1))
    ctx = ssl.create_default_context(cafile=c.path("cert.pem"))
    conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=5,
                                       context=ctx)
    conn.request("GET", "/health")
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    check(resp.status == 200 and json.loads(body)["status"] in
          ("pass", "warn"), "HTTPS /health: %d %r" % (resp.status, body[:200]))
    plain = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        plain.request("GET", "/health")
        st = plain.getresponse().status
        check(False, "plain HTTP on the TLS port answered %d" % st)
    except (http.client.HTTPException, OSError):
        pass
    finally:
        plain.close()


@case
def test_http_errors_are_json(c):
    h.two_blocks(c)
    conf = c.config(http={"listen": ["127.0.0.1:0"], "max_body": 2048})
    d = c.start(conf)
    cl = Client(d)

    def error(method, path, want, code, body=None):
        status, hdrs, raw = cl.request(method, path, body=body)
        check(status == want, "%s %s: HTTP %d, want %d: %r"
              % (method, path, status, want, raw[:200]))
        check(hdrs.get("content-type", "").startswith("application/json"),
              "%s %s: Content-Type %r" % (method, path,
                                          hdrs.get("content-type")))
        try:
            e = json.loads(raw)["error"]
        except (ValueError, KeyError, TypeError):
            raise Fail("%s %s: body %r is not {\"error\": …}"
                       % (method, path, raw[:200]))
        check(e.get("code") == code and isinstance(e.get("message"), str)
              and e["message"], "%s %s: error %s, want code %r and a "
              "message" % (method, path, e, code))

    error("GET", "/nope", 404, "notFound")
    error("GET", "/health/extra", 404, "notFound")
    error("POST", "/health", 405, "methodNotAllowed", body=b"{}")
    error("DELETE", "/metrics", 405, "methodNotAllowed")
    error("POST", "/health", 413, "payloadTooLarge", body=b"x" * 4096)
    error("POST", "/nope", 413, "payloadTooLarge", body=b"x" * 4096)
    # Still answering after all that, and HEAD works.
    status, _, body = cl.request("HEAD", "/health")
    check(status == 200 and body == b"", "HEAD /health: %d %r"
          % (status, body[:100]))
    check(cl.health()[0] == 200, "/health after the errors")
    m = cl.metrics()
    n = sample(m, "tafel_http_requests_total",
               {"route": "other", "status": "404"})
    check(n == 2, 'tafel_http_requests_total{route="other",status="404"} '
          '%r, want 2' % n)
    n = sample(m, "tafel_http_requests_total",
               {"route": "/health", "status": "405"})
    check(n == 1, 'tafel_http_requests_total{route="/health",status="405"}'
          ' %r, want 1' % n)
    # Answers that never reach a route are requests answered all the same.
    big = sum(sample(m, "tafel_http_requests_total",
                     {"route": r, "status": "413"}) or 0
              for r in ("/health", "other"))
    check(big == 2, "tafel_http_requests_total counts %d of the two 413 "
          "answers" % big)
    check(d.stop() == 0, "SIGTERM: exit code not 0")


def has_ipv6_loopback():
    try:
        with open("/proc/net/if_inet6") as f:
            return any(l.split()[0] == "0" * 31 + "1" for l in f)
    except OSError:
        return False


@case
def test_ipv6_loopback(c):
    if not has_ipv6_loopback():
        return "skipped: this machine has no ::1"
    h.two_blocks(c)
    conf = c.config(http={"listen": ["[::1]:0", "127.0.0.1:0"]})
    d = c.start(conf)
    cl6 = Client(d, host="::1", addr="[::1]:0")
    cl4 = Client(d)
    check(cl6.port > 0 and cl4.port > 0, "ports: [::1] %d, 127.0.0.1 %d"
          % (cl6.port, cl4.port))
    s6, doc6 = cl6.health()
    s4, doc4 = cl4.health()
    check(s6 == 200 and doc6["status"] == "pass",
          "/health on [::1]: %d %s" % (s6, doc6.get("status")))
    check(s4 == 200, "/health on 127.0.0.1: %d" % s4)
    img = cl6.png()
    check((img.w, img.h) == (48, 16), "/snapshot.png on ::1: %dx%d"
          % (img.w, img.h))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_status_line_over_notify_socket(c):
    path = c.path("notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.1)
    try:
        srv = fd.FeedServer(c)
        fd.frozen_doc(srv)
        top = h.region("tick", 0, 0, fd.BOARD_W, 8, [h.text(
            TICKER * 3, color=h.RED, valign="top", overflow="scroll",
            scroll_speed=20, scroll_gap=16)])
        conf, _ = park_conf(c, srv, ["SP01"], top=top)
        d = c.start(conf, env={"NOTIFY_SOCKET": path})
        rx = re.compile(r"^STATUS=pass: 1/1 feeds fresh, 0 messages, "
                        r"(\d+) fps$")
        msgs = []
        found = None
        end = time.monotonic() + 6.5
        while found is None and time.monotonic() < end:
            try:
                msgs.extend(sock.recv(4096).decode().split("\n"))
            except socket.timeout:
                continue
            found = next((rx.match(m) for m in msgs if rx.match(m)), None)
        check(found, "no STATUS=pass: 1/1 feeds fresh, 0 messages, N fps "
              "within 6.5 s; got %s" % [m for m in msgs
                                        if m.startswith("STATUS=")])
        # A 20 px/s ticker draws about 20 frames a second.
        fps = int(found.group(1))
        check(10 <= fps <= 30, "STATUS says %d fps for a 20 px/s ticker"
              % fps)
        check(d.stop() == 0, "SIGTERM: exit code not 0")
    finally:
        sock.close()


# ---------------------------------------------------------------------------

def main(argv):
    return h.main_for(CASES, argv, case_class=fd.Case)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
