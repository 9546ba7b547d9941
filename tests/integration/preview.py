#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tafel authors
"""Integration tests of the live preview page (GET /) in headless Chromium.

    python3 tests/integration/preview.py build/tafeld [CASE...]

Each case starts its own tafeld (DirectFB "dummy" system, HTTP on a free
port of 127.0.0.1) and, where it needs data, the fixture feed server, with
the harness of run.py and feeds.py.  Chromium (Debian package "chromium",
or $CHROMIUM) loads the page with --dump-dom to check what the page says
and with --screenshot to check what it draws: the board as round LEDs whose
colours are the board's pixels.  The browser may not resolve any host but
127.0.0.1, as on a sign network without internet.

The robustness cases serve the daemon's page from a stand-in server in this
process whose API answers fail, lie or recover on purpose.

Bounded: every browser run is killed (its whole process group) after
CHROME_TIMEOUT_S; the page's own clock runs on Chromium's virtual time.
The last line is "N passed, N failed"; the exit code is 1 when anything
failed.
"""

import html.parser
import http.client
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as h  # noqa: E402  (the harness of the other integration tests)
import feeds as fd  # noqa: E402  (the feed server)
from run import Fail, check  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or \
    "/usr/bin/chromium"
CHROME_TIMEOUT_S = 60   # one browser run, start to exit
VIRTUAL_MS = 4000       # page time per run: 8 snapshot and 4 health polls
WINDOW = (1200, 800)
HTTP_TIMEOUT_S = 5
PAGE_MAX_BYTES = 16 * 1024

BOARD_W, BOARD_H = 96, 32
TITLE_RGB = "#FF8000"
TICKER_RGB = "#3050FF"
TICKER = "Zug 17 Bern ab 08:42 Gleis 3"
PARK = "SP02"           # "Altstadt" in the fixture feed


# ---------------------------------------------------------------------------
# Chromium
# ---------------------------------------------------------------------------

def chromium(c, url, *args):
    """Run headless Chromium on url with a fresh profile in the case's
    folder; return (stdout, stderr).  The browser's whole process group is
    killed when it overruns and after it exits."""
    check(os.access(CHROMIUM, os.X_OK),
          "%s: no Chromium (tools/deps.sh installs the Debian package "
          "chromium; or set $CHROMIUM)" % CHROMIUM)
    c.chrome_runs += 1
    n = c.chrome_runs
    prof = c.path("chrome-%d" % n)
    os.mkdir(prof)
    cmd = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
           "--user-data-dir=" + prof, "--no-first-run",
           "--no-default-browser-check", "--disable-extensions",
           "--disable-background-networking", "--disable-component-update",
           "--no-proxy-server",
           # A sign network: nothing but the board resolves.
           "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
           "--enable-logging=stderr", "--v=0",
           "--window-size=%d,%d" % WINDOW,
           "--virtual-time-budget=%d" % VIRTUAL_MS] + list(args) + [url]
    out, err = c.path("chrome-%d.out" % n), c.path("chrome-%d.err" % n)
    with open(out, "wb") as fo, open(err, "wb") as fe:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=fo,
                             stderr=fe, cwd=c.dir, start_new_session=True)
        try:
            rc = p.wait(timeout=CHROME_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            rc = None
        finally:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
    with open(out, encoding="utf-8", errors="replace") as f:
        stdout = f.read()
    with open(err, encoding="utf-8", errors="replace") as f:
        stderr = f.read()
    check(rc is not None, "chromium still running after %ds; stderr:\n%s"
          % (CHROME_TIMEOUT_S, stderr[-2000:]))
    check(rc == 0, "chromium exited %d; stderr:\n%s" % (rc, stderr[-2000:]))
    return stdout, stderr


def console(stderr):
    """The page's console lines from Chromium's log."""
    return [l for l in stderr.splitlines() if ":CONSOLE" in l]


def no_uncaught(stderr, what):
    bad = [l for l in console(stderr) if "Uncaught" in l]
    check(not bad, "%s: exceptions escaped the page:\n%s"
          % (what, "\n".join(bad)))


def dump_dom(c, url):
    out, err = chromium(c, url, "--dump-dom")
    check("<html" in out, "--dump-dom printed no document: %r" % out[:200])
    no_uncaught(err, "--dump-dom")
    return Dom(out)


def screenshot(c, url):
    path = c.path("shot-%d.png" % (c.chrome_runs + 1))
    _, err = chromium(c, url, "--screenshot=" + path, "--hide-scrollbars")
    no_uncaught(err, "--screenshot")
    img = h.read_png(path)
    check((img.w, img.h) == WINDOW, "screenshot %dx%d, want %dx%d"
          % ((img.w, img.h) + WINDOW))
    return path, img


# ---------------------------------------------------------------------------
# The DOM Chromium dumps, as a small tree
# ---------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []

    def text(self):
        return "".join(ch if isinstance(ch, str) else ch.text()
                       for ch in self.children)

    def find_all(self, pred):
        for ch in self.children:
            if isinstance(ch, Node):
                if pred(ch):
                    yield ch
                yield from ch.find_all(pred)

    def tags(self, tag):
        return list(self.find_all(lambda n: n.tag == tag))

    def classes(self):
        return set(self.attrs.get("class", "").split())


class Dom(html.parser.HTMLParser):
    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#root", {}, None)
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)

    def id(self, ident):
        found = list(self.root.find_all(
            lambda n: n.attrs.get("id") == ident))
        check(len(found) == 1, "%d elements with id=%s" % (len(found), ident))
        return found[0]

    def tags(self, tag):
        return self.root.tags(tag)


# ---------------------------------------------------------------------------
# The daemon
# ---------------------------------------------------------------------------

class Daemon:
    """tafeld with HTTP on a free port: its port and a small client."""

    def __init__(self, c, conf):
        self.d = c.start(conf)
        _, m = self.d.wait_log(r"^<5>http: listening on 127\.0\.0\.1:0 "
                               r"\(port (\d+)\)$")
        self.port = int(m.group(1))
        self.url = "http://127.0.0.1:%d/" % self.port

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=HTTP_TIMEOUT_S)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            return r.status, r.getheader("Content-Type", ""), r.read()
        finally:
            conn.close()

    def json(self, path):
        status, ctype, body = self.get(path)
        check(status in (200, 503) and "json" in ctype,
              "GET %s: %d %s" % (path, status, ctype))
        return json.loads(body)


def board(c, with_feed):
    """96x32: a static title (row 0-7), the fixture's Altstadt car park when
    with_feed (row 8-15), a ticker scrolling on rows 16-31."""
    regions = [h.region("title", 0, 0, BOARD_W, 8, [
        h.text("P Zentrum", color=TITLE_RGB, valign="top")])]
    if with_feed:
        regions.append(h.region("park", 0, 8, BOARD_W, 8,
                                [fd.park_row(PARK, label="Altstadt")]))
    regions.append(h.region("ticker", 0, 16, BOARD_W, 16, [
        h.text(TICKER, color=TICKER_RGB, overflow="scroll",
               scroll_speed=30, scroll_gap=16)]))
    c.write("layout.json", h.layout(BOARD_W, BOARD_H, regions,
                                    background="#000000"))


def start(c, srv=None):
    board(c, srv is not None)
    feeds = [fd.feed(srv.url(fd.PLS), interval_s=5)] if srv else []
    conf = c.config(w=BOARD_W, h=BOARD_H, feeds=feeds,
                    http={"listen": ["127.0.0.1:0"]})
    d = Daemon(c, conf)
    if srv:
        def fresh():
            f = d.json("/health").get("checks", {}).get("feed:pls", [{}])[0]
            return f.get("status") == "pass" and f.get("items", 0) > 0
        h.wait_for(fresh, what="feed pls passing in /health")
    return d


def readout_lines(display):
    """What #readout must say for a /api/v1/display document."""
    out = []
    for r in display["regions"]:
        parts = []
        for w in r.get("widgets", []):
            t = w.get("text", "")
            if "value" in w:
                t = (t + " " if t else "") + w["value"]
            parts.append(t)
        out.append("%s: %s" % (r["name"], "; ".join(parts)))
    return out


def canvas_box(img):
    """The board canvas in a screenshot: the bounding box of pure black,
    which the page uses only between the LEDs."""
    black = [(x, y) for x, y, p in img.pixels() if p == (0, 0, 0)]
    check(black, "no board canvas (no pure black) in the screenshot")
    return h.bbox(black)


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


@case
def test_preview_page_is_self_contained(c):
    d = start(c)
    status, ctype, body = d.get("/")
    check(status == 200, "GET /: %d" % status)
    check(ctype == "text/html; charset=utf-8", "GET /: Content-Type %r"
          % ctype)
    check(len(body) <= PAGE_MAX_BYTES, "page is %d bytes, more than %d"
          % (len(body), PAGE_MAX_BYTES))
    page = body.decode("utf-8")
    check(page.startswith("<!DOCTYPE html>"), "no doctype: %r" % page[:40])
    check(re.search(r'<html lang="en">', page), "no <html lang=\"en\">")
    urls = re.findall(r"(?i)\b(?:https?|wss?|ftp):|//[a-z0-9.-]+\.[a-z]",
                      page)
    check(not urls, "page names other hosts: %s" % urls)
    dom = Dom(page)
    for n in dom.root.find_all(lambda n: True):
        for attr in ("src", "href", "action", "srcset", "poster", "data"):
            val = n.attrs.get(attr)
            check(val is None or (val.startswith("/") and
                                  not val.startswith("//")),
                  "<%s %s=%r> is not a path on the board"
                  % (n.tag, attr, val))
    css = "".join(n.text() for n in dom.tags("style")) + "".join(
        n.attrs.get("style") or "" for n in dom.root.find_all(
            lambda n: "style" in n.attrs))
    check(not re.search(r"(?i)@import|url\(", css), "CSS loads something")
    for tag in ("link", "iframe", "img", "object", "embed", "base"):
        check(not dom.tags(tag), "the page has a <%s>" % tag)
    check(all("src" not in n.attrs for n in dom.tags("script")),
          "the page loads a script")
    m = re.search(r"(?s)<noscript>(.*?)</noscript>", page)
    check(m and 'href="/snapshot.png"' in m.group(1),
          "no <noscript> pointing to /snapshot.png")
    for ident in ("board", "status", "feeds", "messages", "readout"):
        check(re.search(r'\bid="%s"' % ident, page), "no id=%s" % ident)
    check(re.search(r'<canvas id="board"', page), "#board is no <canvas>")
    check(d.d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_preview_dom_matches_the_daemon(c):
    srv = fd.FeedServer(c)
    fd.frozen_doc(srv)
    d = start(c, srv)
    dom = dump_dom(c, d.url)
    hl = d.json("/health")
    disp = d.json("/api/v1/display")

    html_el = dom.tags("html")
    check(html_el and html_el[0].attrs.get("lang") == "en", "lang is not en")
    title = dom.tags("title")[0].text()
    check(title == "tafel \u2013 %s" % hl["serviceId"],
          "title %r, serviceId %r" % (title, hl["serviceId"]))

    st = dom.id("status")
    word = st.text()
    check(word in ("pass", "warn"), "#status says %r, want pass or warn"
          % word)
    check(st.classes() == {word}, "#status %r has classes %s"
          % (word, st.classes()))

    canvas = dom.id("board")
    check(canvas.tag == "canvas", "#board is a <%s>" % canvas.tag)
    pitch = int(canvas.attrs.get("data-pitch", "0"))
    check(pitch >= 2 and int(canvas.attrs.get("width", 0)) ==
          BOARD_W * pitch and int(canvas.attrs.get("height", 0)) ==
          BOARD_H * pitch,
          "canvas %sx%s at pitch %d, want one dot per pixel of %dx%d"
          % (canvas.attrs.get("width"), canvas.attrs.get("height"), pitch,
             BOARD_W, BOARD_H))

    rows = dom.id("feeds").tags("tr")
    got = {r.attrs.get("data-feed"): [td.text() for td in r.tags("td")]
           for r in rows}
    check(list(got) == ["pls"], "feed rows %s, want pls" % list(got))
    f = hl["checks"]["feed:pls"][0]
    cells = got["pls"]
    check(len(cells) == 5 and cells[0] == "pls", "pls row %s" % cells)
    check(cells[1].split(",")[0] == f["status"],
          "pls status %r, /health says %r" % (cells[1], f["status"]))
    check(("stale" in cells[1]) == bool(f["stale"]),
          "pls row %r, stale %r" % (cells[1], f["stale"]))
    check(re.match(r"^\d+ (s|min|h|d)$", cells[2]), "pls age %r" % cells[2])
    check(cells[3] == "%d of %d" % (f["itemsNoData"], f["items"]),
          "pls --- %r, /health: %d of %d" % (cells[3], f["itemsNoData"],
                                             f["items"]))
    check(cells[4] == f["output"], "pls error %r, /health %r"
          % (cells[4], f["output"]))

    ro = [li.text() for li in dom.id("readout").tags("li")]
    want = readout_lines(disp)
    check(ro == want, "#readout %s, /api/v1/display gives %s" % (ro, want))
    check(any(l.startswith("park: Altstadt ") for l in ro) and
          "ticker: " + TICKER in ro and "title: P Zentrum" in ro,
          "#readout %s lacks the title, car park or ticker" % ro)
    msgs = dom.id("messages").text().strip()
    check(disp["messages"] or msgs == "none",
          "#messages %r with no messages active" % msgs)
    check(d.d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_preview_screenshot_shows_the_board_as_leds(c):
    srv = fd.FeedServer(c)
    fd.frozen_doc(srv)
    d = start(c, srv)
    path, img = screenshot(c, d.url)
    # The static rows (title and car park) on the board now; the frozen
    # feed keeps them as the page saw them.
    status, ctype, png = d.get("/snapshot.png")
    check(status == 200 and ctype == "image/png",
          "GET /snapshot.png: %d %s" % (status, ctype))
    with open(c.path("board.png"), "wb") as f:
        f.write(png)
    b = h.read_png(c.path("board.png"))
    check((b.w, b.h) == (BOARD_W, BOARD_H), "snapshot %dx%d" % (b.w, b.h))

    x0, y0, x1, y1 = canvas_box(img)
    w, ht = x1 - x0 + 1, y1 - y0 + 1
    check(w % BOARD_W == 0 and w // BOARD_W >= 2 and
          ht == BOARD_H * (w // BOARD_W),
          "canvas %dx%d at %d,%d is not %dx%d dots of a whole pitch (%s)"
          % (w, ht, x0, y0, BOARD_W, BOARD_H, path))
    p = w // BOARD_W

    def dot(x, y):
        return img.at(x0 + x * p + p // 2, y0 + y * p + p // 2)

    lit, bad, unlit = 0, [], set()
    for y in range(16):
        for x in range(BOARD_W):
            want, got = b.at(x, y), dot(x, y)
            if max(want) > 28:
                lit += 1
                if got != want:
                    bad.append((x, y, want, got))
            else:
                unlit.add(got)
            # Between the LEDs: black.
            if img.at(x0 + x * p, y0 + y * p) != (0, 0, 0):
                bad.append((x, y, "black gap", img.at(x0 + x * p,
                                                       y0 + y * p)))
    check(len(unlit) == 1 and 0 < max(next(iter(unlit))) <= 48,
          "unlit LEDs drawn in %s, want one dark grey" % unlit)
    check(lit > 50, "only %d lit pixels in the title and car park rows of "
          "the board" % lit)
    check(not bad, "%d of %d LEDs wrong, e.g. %s (%s)"
          % (len(bad), 16 * BOARD_W, bad[:5], path))
    title = sum(1 for _, _, px in img.pixels() if px == h.rgb(TITLE_RGB))
    ticker = [dot(x, y) for y in range(16, 32) for x in range(BOARD_W)]
    check(title >= 30 * (p // 2) ** 2, "%d screenshot pixels in the title's "
          "colour %s" % (title, TITLE_RGB))
    check(ticker.count(h.rgb(TICKER_RGB)) > 20,
          "%d ticker LEDs lit in %s" % (ticker.count(h.rgb(TICKER_RGB)),
                                        TICKER_RGB))
    check(d.d.stop() == 0, "SIGTERM: exit code not 0")


# ---------------------------------------------------------------------------
# Robustness: the daemon's page against a stand-in API
# ---------------------------------------------------------------------------

class StandIn:
    """Serves page at / and answers the API with handler(path, count) ->
    (status, content type, body bytes).  Runs in a thread of this
    process; stop() ends it."""

    def __init__(self, page, handler):
        counts = {}
        lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?")[0]
                with lock:
                    counts[path] = counts.get(path, 0) + 1
                    n = counts[path]
                if path == "/":
                    res = (200, "text/html; charset=utf-8", page)
                else:
                    res = handler(path, n)
                if res is None:     # drop the connection
                    return
                status, ctype, body = res
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

        self.counts = counts
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.srv.daemon_threads = True
        self.url = "http://127.0.0.1:%d/" % self.srv.server_address[1]
        self.thread = threading.Thread(target=self.srv.serve_forever,
                                       kwargs={"poll_interval": 0.05})
        self.thread.start()

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()
        self.thread.join(timeout=h.STOP_TIMEOUT_S)


def stand_in(c, handler):
    """The daemon's page, then the daemon stopped: a StandIn serving it."""
    d = start(c)
    status, _, page = d.get("/")
    check(status == 200, "GET /: %d" % status)
    check(d.d.stop() == 0, "SIGTERM: exit code not 0")
    s = StandIn(page, handler)
    c.standins.append(s)
    return s


def health_doc(status, feed_status="pass", stale=False, output=""):
    return json.dumps({
        "status": status, "version": "0.1.0", "serviceId": "test-sign",
        "checks": {
            "feed:pls": [{"componentId": "pls", "status": feed_status,
                          "observedValue": 4000, "observedUnit": "s",
                          "time": "2026-01-01T00:00:00Z", "output": output,
                          "stale": stale, "items": 13, "itemsNoData": 13}],
            "display:board": [{"status": "pass", "system": "dummy",
                               "width": 4, "height": 2}],
            "uptime": [{"status": "pass", "observedValue": 90061,
                        "observedUnit": "s"}]}}).encode()


def tiny_png(c):
    p = c.path("tiny.png")
    h.write_png(p, [[(255, 0, 0), (0, 0, 0), (0, 255, 0), (0, 0, 255)],
                    [(0, 0, 0)] * 4])
    with open(p, "rb") as f:
        return f.read()


DISPLAY = json.dumps({
    "time": "2026-01-01T00:00:00Z", "frame": 7,
    "regions": [{"name": "row1", "page": 0, "widgets": [
        {"type": "park", "text": "Altstadt", "value": "---"}]}],
    "messages": [{"id": "m1", "text": "Ausfahrt gesperrt"}, "m2"]}).encode()


@case
def test_preview_shows_offline_when_the_api_fails(c):
    s = stand_in(c, lambda path, n: (500, "text/plain", b"down\n"))
    dom = dump_dom(c, s.url)
    st = dom.id("status")
    check(st.text() == "offline" and st.classes() == {"fail"},
          "#status %r classes %s, want offline/fail" % (st.text(),
                                                         st.classes()))
    # It kept polling: 4 s of page time at 1 s and 500 ms.
    check(s.counts.get("/health", 0) >= 3 and
          s.counts.get("/snapshot.png", 0) >= 6,
          "requests while failing: %s" % s.counts)
    check(dom.id("messages").text() == "none", "#messages %r"
          % dom.id("messages").text())


@case
def test_preview_survives_garbage_and_dropped_connections(c):
    def garbage(path, n):
        if n % 3 == 0:
            return None
        return {"/health": (200, "application/health+json", b"[1, 2"),
                "/api/v1/display": (200, "application/json",
                                    b'{"regions": 5, "messages": null}'),
                "/snapshot.png": (200, "image/png", b"\x89PNG\r\n\x1a\nno")
                }.get(path, (404, "text/plain", b"no\n"))
    s = stand_in(c, garbage)
    dom = dump_dom(c, s.url)
    st = dom.id("status")
    check(st.text() == "offline" and st.classes() == {"fail"},
          "#status %r classes %s, want offline/fail" % (st.text(),
                                                         st.classes()))
    check(s.counts.get("/health", 0) >= 3, "requests: %s" % s.counts)


@case
def test_preview_shows_fail_from_a_503(c):
    """/health answers 503 with its document: the page shows "fail", not
    "offline", and a feed's error as text, never as markup."""
    png = tiny_png(c)
    err = "HTTP 500 <b>upstream</b>"

    def api(path, n):
        return {"/health": (503, "application/health+json",
                            health_doc("fail", "fail", True, err)),
                "/api/v1/display": (200, "application/json", DISPLAY),
                "/snapshot.png": (200, "image/png", png)
                }.get(path, (404, "text/plain", b"no\n"))
    s = stand_in(c, api)
    dom = dump_dom(c, s.url)
    st = dom.id("status")
    check(st.text() == "fail" and st.classes() == {"fail"},
          "#status %r classes %s, want fail" % (st.text(), st.classes()))
    rows = dom.id("feeds").tags("tr")
    check(len(rows) == 1 and rows[0].attrs.get("data-feed") == "pls",
          "feed rows %s" % [r.attrs for r in rows])
    cells = [td.text() for td in rows[0].tags("td")]
    check(cells == ["pls", "fail, stale", "67 min", "13 of 13", err],
          "pls row %s" % cells)
    check(not rows[0].tags("b"), "the feed error was inserted as HTML")
    msgs = [li.text() for li in dom.id("messages").tags("li")]
    check(msgs == ["m1: Ausfahrt gesperrt", "m2"], "#messages %s" % msgs)
    ro = [li.text() for li in dom.id("readout").tags("li")]
    check(ro == ["row1: Altstadt ---"], "#readout %s" % ro)
    canvas = dom.id("board")
    pitch = int(canvas.attrs.get("data-pitch", "0"))
    check(pitch >= 2 and canvas.attrs.get("width") == str(4 * pitch),
          "canvas %s for a 4x2 PNG" % canvas.attrs)
    check(dom.tags("title")[0].text() == "tafel \u2013 test-sign",
          "title %r" % dom.tags("title")[0].text())


@case
def test_preview_recovers_after_failures(c):
    """Two failed answers, one dropped connection, then pass: the page
    kept polling and shows pass."""
    png = tiny_png(c)

    def api(path, n):
        if path == "/health":
            if n <= 2:
                return (500, "text/plain", b"busy\n")
            if n == 3:
                return None
            return (200, "application/health+json", health_doc("pass"))
        if path == "/api/v1/display":
            return (200, "application/json", DISPLAY)
        if path == "/snapshot.png":
            return (200, "image/png", png) if n > 2 else None
        return (404, "text/plain", b"no\n")
    s = stand_in(c, api)
    dom = dump_dom(c, s.url)
    st = dom.id("status")
    check(st.text() == "pass" and st.classes() == {"pass"},
          "#status %r %s after the API recovered (requests %s)"
          % (st.text(), st.classes(), s.counts))
    check(s.counts.get("/health", 0) >= 4, "requests: %s" % s.counts)


# ---------------------------------------------------------------------------

class Case(fd.Case):
    def __init__(self, name):
        super().__init__(name)
        self.standins = []
        self.chrome_runs = 0

    def cleanup(self):
        for s in self.standins:
            try:
                s.stop()
            except Exception:
                pass
        super().cleanup()


def main(argv):
    return h.main_for(CASES, argv, case_class=Case)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
