#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tafel authors
"""Integration tests of the parking feeds: the real tafeld against the
fixture feed server (tools/feedserver.py) over HTTP.

    python3 tests/integration/feeds.py build/tafeld [CASE...]

Each case starts its own feed server on a free port of 127.0.0.1 and its own
tafeld (DirectFB "dummy" system) in a fresh temporary folder, with the
harness of run.py (Case, Daemon, the test font).  What the board shows is
read from the readout JSON that SIGUSR1 writes next to the snapshot PNG.
The last line is "N passed, N failed"; the exit code is 1 when anything
failed.

Not flaky by construction: the cases that compare numbers serve a "frozen"
document (the server keeps one document, so whatever the daemon fetched is
known), misbehaviour is switched on for exactly one request and then falls
back to that frozen document, and the live case compares with the server's
last served document only while the daemon's request count is settled.
"""

import calendar
import http.client
import importlib.util
import json
import os
import re
import select
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as h  # noqa: E402  (the harness of the other integration tests)
from run import Fail, check  # noqa: E402

FEEDSERVER = os.path.join(h.REPO, "tools", "feedserver.py")
PLS = "/pls-luzern"
SERVER_START_S = 5
HTTP_TIMEOUT_S = 5
# curl honours proxy variables; these tests talk to 127.0.0.1 only.
NO_PROXY = {"no_proxy": "*", "NO_PROXY": "*"}

_spec = importlib.util.spec_from_file_location("feedserver", FEEDSERVER)
fsmod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fsmod)

CODES = [c[0] for c in fsmod.CAR_PARKS]
ARROWS = re.compile(" [\u2191\u2193]$")


# ---------------------------------------------------------------------------
# The feed server
# ---------------------------------------------------------------------------

class FeedServer:
    """tools/feedserver.py on a free port, stopped by the case's cleanup."""

    def __init__(self, case, folder=None):
        self.errpath = case.path("feedserver-%d.log" % len(case.servers))
        self.errfile = open(self.errpath, "w")
        args = [sys.executable, FEEDSERVER, "--port", "0"]
        if folder:
            args += ["--dir", folder]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=self.errfile)
        case.servers.append(self)
        r, _, _ = select.select([self.proc.stdout], [], [], SERVER_START_S)
        line = self.proc.stdout.readline().decode() if r else ""
        m = re.match(r"^feedserver: listening on http://127\.0\.0\.1:(\d+)\n$",
                     line)
        check(m, "feedserver printed %r (log: %s)" % (line, self.log()))
        self.port = int(m.group(1))

    def log(self):
        with open(self.errpath) as f:
            return f.read()[-2000:]

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=HTTP_TIMEOUT_S)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            conn.close()

    def get_json(self, path):
        status, _, body = self.request("GET", path)
        check(status == 200, "feedserver GET %s: %d" % (path, status))
        return json.loads(body)

    def control(self, mode, path=PLS, **kw):
        kw.update(path=path, mode=mode)
        status, _, body = self.request("POST", "/control",
                                       json.dumps(kw).encode())
        check(status == 200, "feedserver /control %r: %d %s"
              % (kw, status, body[:200]))

    def stats(self):
        return self.get_json("/stats")

    def requests(self, path=PLS):
        return self.stats()["requests"].get(path, 0)

    def stop(self):
        """SIGTERM; (exit code, whatever it printed after its first line)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=h.STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Fail("feedserver still running %ds after SIGTERM"
                       % h.STOP_TIMEOUT_S)
        rest = self.proc.stdout.read().decode()
        return rc, rest

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.errfile.close()


class Case(h.Case):
    def __init__(self, name):
        super().__init__(name)
        self.servers = []

    def start(self, conf, cwd=None, env=None):
        e = dict(NO_PROXY)
        e.update(env or {})
        return super().start(conf, cwd, e)

    def cleanup(self):
        for s in self.servers:
            try:
                s.kill()
            except Exception:
                pass
        super().cleanup()


# ---------------------------------------------------------------------------
# Config, layout and readout
# ---------------------------------------------------------------------------

DE = {"full": "besetzt", "closed": "geschlossen"}
BOARD_W = 128


def feed(url, **kw):
    f = {"id": "pls", "url": url, "format": "pls-luzern", "interval_s": 1,
         "timeout_s": 5}
    f.update(kw)
    return f


def words_for(code):
    """Most rows use the sign's German words; AP01 and PKF keep the
    defaults, so both are checked."""
    return {} if code in ("AP01", "PKF") else dict(DE)


def park_row(code, **kw):
    w = {"type": "park", "feed": "pls", "item": code, "font": "t"}
    if words_for(code):
        w["words"] = words_for(code)
    w.update(kw)
    return w


def park_sum(items, text="{free} frei"):
    return {"type": "park_sum", "feed": "pls", "font": "t",
            "items": [{"id": i} for i in items], "text": text}


def park_board(c, codes=CODES, top=None, extra=None, park_kw=None,
               sums=None):
    """One 8 px row per car park, region named after its code; top: a
    region of 8 px above them; extra: widgets of a last row; sums: {region
    name: car park codes}, a park_sum row for each after those."""
    regions, y = [], 0
    if top is not None:
        regions.append(top)
        y = 8
    for code in codes:
        regions.append(h.region(code, 0, y, BOARD_W, 8,
                                [park_row(code, **(park_kw or {}).get(
                                    code, {}))]))
        y += 8
    if extra:
        regions.append(h.region("extra", 0, y, BOARD_W, 8, extra))
        y += 8
    for name, items in (sums or {}).items():
        regions.append(h.region(name, 0, y, BOARD_W, 8, [park_sum(items)]))
        y += 8
    c.write("layout.json", h.layout(BOARD_W, y, regions,
                                    background=h.BOARD_BG))
    return y


def start(c, srv_url, height, **feed_kw):
    conf = c.config(w=BOARD_W, h=height, feeds=[feed(srv_url, **feed_kw)])
    return c.start(conf)


def readout(d):
    """SIGUSR1: (the PNG, the readout JSON written next to it)."""
    jpath = d.case.path("snapshot.json")
    if os.path.exists(jpath):
        os.unlink(jpath)
    path, img = d.usr1()
    check(path.endswith(".png"), "snapshot %s is not a .png" % path)
    jpath = path[:-4] + ".json"

    def load():
        try:
            with open(jpath) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None
    ro = h.wait_for(load, what="readout %s after SIGUSR1" % jpath)
    return img, ro


def shown(ro):
    """{region name: value} of the park widgets, trend arrows removed;
    "sum" for a park_sum's text."""
    out = {}
    for r in ro.get("regions", []):
        for w in r.get("widgets", []):
            if w.get("type") == "park":
                out[r["name"]] = ARROWS.sub("", w.get("value", "<none>"))
            elif w.get("type") == "park_sum":
                out["sum"] = w.get("text")
    return out


def labels(ro):
    return {r["name"]: w.get("text") for r in ro.get("regions", [])
            for w in r.get("widgets", []) if w.get("type") == "park"}


def expect(doc, codes=CODES):
    """What the board must show for a clean PLS document."""
    out = {}
    parks = doc["data"]["parkings"]
    for code in codes:
        it = parks[code]
        words = {"full": "FULL", "closed": "CLOSED"}
        words.update(words_for(code))
        if not it["opened"] or it["maintenance"]:
            out[code] = words["closed"]
        elif it["vacancy"] == 0:
            out[code] = words["full"]
        else:
            out[code] = str(min(it["vacancy"], it["capacity"]))
    return out


def diff(got, want):
    keys = sorted(set(got) | set(want))
    return ", ".join("%s: %r want %r" % (k, got.get(k), want.get(k))
                     for k in keys if got.get(k) != want.get(k))


def wait_shows(d, want, timeout=h.WAIT_S, what="the board"):
    """Poll readouts until the park values include want; return it."""
    end = time.monotonic() + timeout
    while True:
        _, ro = readout(d)
        got = shown(ro)
        if all(got.get(k) == v for k, v in want.items()):
            return ro
        if time.monotonic() > end:
            raise Fail("%s after %gs: %s" % (what, timeout,
                                             diff(got, want)))
        time.sleep(0.1)


def frozen_doc(srv, **kw):
    """Freeze the feed on a document made now; return that document."""
    srv.control("frozen", age_s=kw.pop("age_s", 0), **kw)
    return srv.get_json(PLS)


def datestamp_epoch(doc, skip=()):
    """The one datestamp of the document's car parks (but skip) as a unix
    time."""
    stamps = {it["datestamp"] for code, it in
              doc["data"]["parkings"].items() if code not in skip}
    check(len(stamps) == 1, "the fixture's datestamps differ: %s" % stamps)
    s = stamps.pop()
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)"
                 r"([+-])(\d\d):(\d\d)$", s)
    check(m, "datestamp %r" % s)
    y, mo, da, hh, mi, ss = (int(g) for g in m.groups()[:6])
    off = (int(m.group(8)) * 60 + int(m.group(9))) * 60
    off = off if m.group(7) == "+" else -off
    return calendar.timegm((y, mo, da, hh, mi, ss)) - off


def recovered(n=None):
    """The notice after n failed fetches (any number when None): "fetch"
    for one, "fetches" for more."""
    if n is None:
        return r"^<5>feed pls: recovered after (1 failed fetch|" \
            r"([2-9]|[1-9]\d+) failed fetches)$"
    return r"^<5>feed pls: recovered after %d failed fetch%s$" % (
        n, "" if n == 1 else "es")


def sums(ro):
    """{region name: value} of the park_sum widgets."""
    return {r["name"]: w.get("value") for r in ro.get("regions", [])
            for w in r.get("widgets", []) if w.get("type") == "park_sum"}


def log_lines(d, pattern, after=0):
    rx = re.compile(pattern)
    return [l for l in d.lines()[after:] if rx.search(l)]


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


@case
def test_feed_live_data_reaches_the_board(c):
    srv = FeedServer(c)
    # First a known document: Löwencenter full, Nationalhof closed,
    # Sportgebäude in maintenance.
    doc = frozen_doc(srv, override={"NP12": {"vacancy": 0}})
    sum_w = {"type": "park_sum", "feed": "pls", "font": "t",
             "items": [{"id": "SP02"}, {"id": "SP03"}],
             "text": "Zentrum {free} frei"}
    height = park_board(c, extra=[sum_w], park_kw={
        "SP05": {"label": "Bahnhof"}, "SP02": {"trend": True}})
    d = start(c, srv.url(PLS), height)
    d.wait_log(r"^<6>feed pls: %d items$" % len(CODES))
    want = expect(doc)
    check(want["NP12"] == "besetzt" and want["NP13"] == "geschlossen" and
          want["AP01"] == "CLOSED", "fixture: %s" % want)
    parks = doc["data"]["parkings"]
    want["sum"] = "Zentrum %d frei" % (parks["SP02"]["vacancy"] +
                                       parks["SP03"]["vacancy"])
    ro = wait_shows(d, want, what="frozen document")
    got = shown(ro)
    check(set(got) == set(want), "readout regions %s" % sorted(got))
    names = labels(ro)
    check(names["SP01"] == "am Gütsch" and names["NP12"] == "Löwencenter"
          and names["SP05"] == "Bahnhof",
          "labels: %s" % {k: names[k] for k in ("SP01", "NP12", "SP05")})

    # Then live: the counts change every few seconds; the board must show
    # the document the server served last once the daemon's request count
    # has settled (a fetch between the two stats reads is retried).
    srv.control("ok")
    first = {k: v for k, v in want.items() if k != "NP12"}
    matches = []
    end = time.monotonic() + 9
    while len(matches) < 2 and time.monotonic() < end:
        n = srv.requests()
        last = srv.get_json("/last" + PLS)
        _, ro = readout(d)
        if srv.requests() != n:
            continue
        got, live = shown(ro), expect(last)
        if all(got.get(k) == v for k, v in live.items()) and \
                live not in matches:
            matches.append(live)
        time.sleep(0.2)
    check(len(matches) == 2 and any(
        {k: v for k, v in m.items() if k in first} != first
        for m in matches),
        "live feed: the board did not follow two changing documents in "
        "9 s (matched %d)" % len(matches))
    check(d.stop() == 0, "SIGTERM: exit code not 0")
    rc, rest = srv.stop()
    check(rc == 0 and rest == "", "feedserver: SIGTERM exit %s, printed "
          "%r after its listening line" % (rc, rest))

@case
def test_feed_park_sum_counts_closed_as_zero(c):
    # Regression: a closed car park (opened: false, or in maintenance) made
    # the whole sum "---"; it offers no spaces, so it counts 0 like a full
    # one.  A car park that is stale or missing still makes the sum "---".
    srv = FeedServer(c)
    doc = frozen_doc(srv, override={
        "NP12": {"vacancy": 0},                            # full
        "SP04": {"datestamp": fsmod.zurich_iso(time.time() - 3600)},
        "SP03": None})                                     # missing
    parks = doc["data"]["parkings"]
    check(not parks["NP13"]["opened"] and parks["AP01"]["maintenance"] and
          parks["AP01"]["vacancy"] > 0, "fixture: NP13 %s, AP01 %s"
          % (parks["NP13"], parks["AP01"]))
    codes = ["SP02", "SP05", "NP12", "NP13", "AP01", "SP04"]
    groups = {"open": ["SP02", "SP05", "NP12", "NP13", "AP01"],
              "shut": ["NP12", "NP13"],
              "stale": ["SP02", "NP13", "SP04"],
              "missing": ["SP02", "NP13", "SP03"]}
    height = park_board(c, codes, sums=groups)
    d = start(c, srv.url(PLS), height, stale_after_s=300)
    want = expect(doc, [k for k in codes if k != "SP04"])
    want["SP04"] = "---"
    check(want["NP13"] == "geschlossen" and want["AP01"] == "CLOSED" and
          want["NP12"] == "besetzt", "fixture: %s" % want)
    ro = wait_shows(d, want, what="the document")
    total = sum(min(parks[k]["vacancy"], parks[k]["capacity"])
                for k in ("SP02", "SP05"))
    want_sums = {"open": str(total), "shut": "0", "stale": "---",
                 "missing": "---"}
    got = sums(ro)
    check(got == want_sums, "park_sum: %s" % diff(got, want_sums))
    check(any(w.get("text") == "%d frei" % total
              for r in ro["regions"] if r["name"] == "open"
              for w in r.get("widgets", [])), "park_sum text: %s"
          % [r for r in ro["regions"] if r["name"] == "open"])
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_feed_frozen_turns_board_to_nodata_on_time(c):
    srv = FeedServer(c)
    sum_w = {"type": "park_sum", "feed": "pls", "font": "t", "items": [
        {"id": "SP02"}, {"id": "SP03"}], "text": "Zentrum {free} frei"}
    height = park_board(c, extra=[sum_w])
    d = start(c, srv.url(PLS), height, stale_after_s=3)
    d.wait_log(r"^<6>feed pls: \d+ items$")
    # Live data is at most ~2 s old here (whole-second datestamps, 1 s
    # interval), so it is fresh: wait for numbers.
    h.wait_for(lambda: shown(readout(d)[1]).get("SP02", "---") != "---",
               what="a number for SP02")

    n = len(d.lines())
    srv.control("frozen")
    doc = srv.get_json(PLS)
    stale_at = datestamp_epoch(doc) + 3
    seen_numbers = seen_dash = False
    while True:
        t0 = time.time()
        _, ro = readout(d)
        t1 = time.time()
        got = shown(ro)
        park = {k: v for k, v in got.items() if k != "sum"}
        if all(v == "---" for v in park.values()):
            check(t1 >= stale_at - 0.05, "--- at %.2f s, before the data "
                  "is %d s old" % (t1 - stale_at + 3, 3))
            check(got.get("sum") == "Zentrum --- frei",
                  "park_sum while stale: %r" % got.get("sum"))
            seen_dash = True
            break
        check(not any(v == "---" for v in park.values()),
              "only some car parks turned to ---: %s" % park)
        if t1 < stale_at - 0.1:
            seen_numbers = True
        check(t0 < stale_at + 1.0, "still numbers %.2f s after the data "
              "turned %d s old: %s" % (t0 - stale_at, 3, park))
        time.sleep(0.05)
    check(seen_numbers and seen_dash, "never saw numbers before ---")
    d.wait_log(r"^<4>feed pls: stale", after=n,
               timeout=max(0.5, stale_at + 1.5 - time.time()))
    # No new document came in meanwhile (the server answered 304 or the
    # frozen document itself).
    check(len(log_lines(d, r"^<6>feed pls: \d+ items$", n)) <= 1,
          "new documents while frozen: %s"
          % log_lines(d, r"feed pls", n))

    n = len(d.lines())
    srv.control("ok")
    d.wait_log(r"^<5>feed pls: fresh again", after=n, timeout=4)
    h.wait_for(lambda: "---" not in shown(readout(d)[1]).get("SP02", "---"),
               what="numbers after the feed resumed")
    check(d.stop() == 0, "SIGTERM: exit code not 0")

@case
def test_feed_stale_despite_an_item_dated_far_ahead(c):
    # Regression: an item dated more than 10 minutes ahead is not trusted
    # (the board shows --- for it) but it kept the feed "fresh", so "feed
    # pls: stale" was never logged when the others aged.
    srv = FeedServer(c)
    codes = ["SP01", "SP02", "NP13"]
    height = park_board(c, codes)
    d = start(c, srv.url(PLS), height, stale_after_s=3)
    d.wait_log(r"^<6>feed pls: \d+ items$")
    h.wait_for(lambda: shown(readout(d)[1]).get("SP02", "---") != "---",
               what="a number for SP02")
    n = len(d.lines())
    doc = frozen_doc(srv, override={
        "SP01": {"datestamp": fsmod.zurich_iso(time.time() + 3600)}})
    stale_at = datestamp_epoch(doc, skip=("SP01",)) + 3
    want = expect(doc, ["SP02", "NP13"])
    want["SP01"] = "---"
    wait_shows(d, want, timeout=max(0.5, stale_at - time.time() - 0.3),
               what="the document with SP01 an hour ahead")
    check(not log_lines(d, r"feed pls: stale", n), "stale before %.1f s: "
          "%s" % (stale_at - time.time(), log_lines(d, r"feed pls", n)))
    d.wait_log(r"^<4>feed pls: stale", after=n,
               timeout=max(0.5, stale_at + 1.0 - time.time()))
    t = time.time()
    check(t >= stale_at - 0.05, "stale logged %.2f s before the data "
          "turned 3 s old" % (stale_at - t))
    got = shown(readout(d)[1])
    check(all(v == "---" for v in got.values()), "stale: %s" % got)
    check(d.stop() == 0, "SIGTERM: exit code not 0")


FAILURES = [
    # mode, control options, the reason the warning must give
    ("500", {}, r"HTTP 500"),
    ("404", {}, r"HTTP 404"),
    ("garbage", {}, r"rejected document: "),  # random: any reason
    ("html", {}, r"rejected document: not JSON"),
    ("error-object", {}, r"rejected document: .*error.*Service "
     r"temporarily unavailable"),
    ("empty", {}, r"rejected document: empty"),
    ("truncated", {}, r"(?i)partial file|transfer closed"),
    ("oversize", {}, r"larger than 1048576 bytes"),
    ("gzip-bomb", {"mib": 16}, r"larger than 1048576 bytes"),
]


@case
def test_feed_failures_keep_last_good_values_then_recover(c):
    srv = FeedServer(c)
    doc = frozen_doc(srv)
    want = expect(doc)
    height = park_board(c)
    d = start(c, srv.url(PLS), height, stale_after_s=300,
              max_bytes=1 << 20)
    wait_shows(d, want, what="first document")
    problems = []
    for mode, opts, reason in FAILURES:
        n = len(d.lines())
        # One bad answer, then the frozen document again (a 304).
        srv.control(mode, count=1, **opts)
        try:
            i, m = d.wait_log(r"^<4>feed pls: (.+)$", after=n, timeout=4)
        except Fail:
            problems.append("%s: no warning: %s" % (
                mode, " | ".join(d.lines()[n:])))
            continue
        if not re.search(reason, m.group(1)):
            problems.append("%s: warning %r does not match /%s/"
                            % (mode, m.group(1), reason))
        got = shown(readout(d)[1])
        if got != want:
            problems.append("%s: board changed: %s" % (mode, diff(got,
                                                                  want)))
        try:
            d.wait_log(r"^<5>feed pls: recovered", after=i, timeout=4)
        except Fail:
            problems.append("%s: no recovery: %s"
                            % (mode, " | ".join(d.lines()[n:])))
            continue
    time.sleep(0.3)
    rec = log_lines(d, r"^<5>feed pls: recovered")
    if len(rec) != len(FAILURES):
        problems.append("%d 'recovered' notices for %d failures"
                        % (len(rec), len(FAILURES)))
    bad = [l for l in rec if not re.search(recovered(1), l)]
    if bad:
        problems.append("after one failed fetch: %s" % bad)
    # Two failures in a row: one warning (the same reason is not
    # repeated), then the plural.
    n = len(d.lines())
    srv.control("500", count=2)
    try:
        d.wait_log(r"^<5>feed pls: recovered", after=n, timeout=6)
        if len(log_lines(d, r"^<4>feed pls: HTTP 500", n)) != 1 or \
                not log_lines(d, recovered(2), n):
            problems.append("two 500s: %s" % " | ".join(d.lines()[n:]))
    except Fail:
        problems.append("two 500s: no recovery: %s"
                        % " | ".join(d.lines()[n:]))
    got = shown(readout(d)[1])
    if got != want:
        problems.append("after all: %s" % diff(got, want))
    check(d.proc.poll() is None, "tafeld died")
    check(not problems, "\n  ".join([""] + problems))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_feed_hang_does_not_stop_the_board(c):
    srv = FeedServer(c)
    doc = frozen_doc(srv)
    codes = ["SP02", "SP03", "NP13"]
    want = expect(doc, codes)
    ticker = h.region("tick", 0, 0, BOARD_W, 8, [h.text(
        "Parkleitsystem Luzern: Altstadt Kesselturm Schweizerhof",
        color=h.RED, valign="top", overflow="scroll", scroll_speed=40,
        scroll_gap=32)])
    height = park_board(c, codes, top=ticker)
    d = start(c, srv.url(PLS), height, timeout_s=2, stale_after_s=300)
    wait_shows(d, want, what="first document")
    n = len(d.lines())
    srv.control("hang")
    hung = h.wait_for(lambda: [t for t, s in srv.stats()["log"][PLS]
                               if s == "hang"], what="a hanging request")
    t_hang = hung[0]
    a, ra = readout(d)
    time.sleep(0.3)
    b, rb = readout(d)
    check(time.time() < t_hang + 1.9, "fixture: the snapshots took until "
          "the fetch timed out")
    check(a.rows[:8] != b.rows[:8], "the ticker stood still while a fetch "
          "hung")
    check(shown(ra) == want and shown(rb) == want,
          "board changed while a fetch hung: %s" % diff(shown(rb), want))
    i, m = d.wait_log(r"^<4>feed pls: (.+)$", after=n, timeout=5)
    took = time.time() - t_hang
    check(re.search(r"(?i)time.?out|timed out", m.group(1)),
          "hang: warning %r does not say timeout" % m.group(1))
    check(1.8 <= took <= 3.5, "hang: timed out after %.1f s, timeout_s "
          "is 2" % took)
    srv.control("frozen")
    d.wait_log(recovered(), after=i, timeout=4)
    check(shown(readout(d)[1]) == want, "board changed after the hang")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_feed_conditional_requests(c):
    srv = FeedServer(c)
    doc = frozen_doc(srv)
    want = expect(doc)
    height = park_board(c)
    d = start(c, srv.url(PLS), height, stale_after_s=30)
    wait_shows(d, want, what="first document")
    base = srv.requests()
    h.wait_for(lambda: srv.requests() >= base + 2, timeout=4,
               what="two more fetches (interval_s 1)")
    st = srv.stats()
    hdrs = {k.lower(): v for k, v in st["headers"][PLS].items()}
    check(hdrs.get("if-none-match") == st["etag"][PLS],
          "If-None-Match %r, want the ETag %r" % (hdrs.get("if-none-match"),
                                                  st["etag"][PLS]))
    check("if-modified-since" in hdrs, "no If-Modified-Since: %s" % hdrs)
    check(st["status"][PLS].get("304", 0) >= 2, "statuses %s"
          % st["status"][PLS])
    check(shown(readout(d)[1]) == want, "board changed after 304s")
    check(not log_lines(d, r"feed pls: (stale|HTTP)"), "log: %s"
          % log_lines(d, r"feed pls"))

    # The item's own time wins: a document 26 s old, then only 304s, turns
    # to --- when it is 30 s old although every fetch "succeeds".
    n = len(d.lines())
    doc = frozen_doc(srv, age_s=26)
    stale_at = datestamp_epoch(doc) + 30
    check(stale_at - time.time() > 2.5, "fixture: %.1f s left"
          % (stale_at - time.time()))
    wait_shows(d, expect(doc), timeout=max(0.5, stale_at - time.time() -
                                           0.3), what="old document")
    before = srv.stats()["status"][PLS].get("304", 0)
    d.wait_log(r"^<4>feed pls: stale", after=n,
               timeout=max(0.5, stale_at + 1.5 - time.time()))
    got = shown(readout(d)[1])
    check(all(v == "---" for v in got.values()),
          "30 s old data with 304s: %s" % got)
    check(srv.stats()["status"][PLS].get("304", 0) > before,
          "no 304 while the data aged")
    check(d.stop() == 0, "SIGTERM: exit code not 0")

@case
def test_feed_keeps_validators_after_a_bare_304(c):
    # Regression: a 304 without ETag and Last-Modified (allowed: RFC 9110
    # only says SHOULD) made the daemon forget its validators, so its next
    # request was unconditional and fetched the whole document again.
    srv = FeedServer(c)
    doc = frozen_doc(srv)
    codes = ["SP02", "NP13"]
    want = expect(doc, codes)
    height = park_board(c, codes)
    d = start(c, srv.url(PLS), height, stale_after_s=300)
    wait_shows(d, want, what="first document")
    base = srv.requests()
    h.wait_for(lambda: srv.requests() > base, timeout=3,
               what="a conditional fetch")
    st = srv.stats()
    before = {k.lower(): v for k, v in st["headers"][PLS].items()}
    etag = st["etag"][PLS]
    check(before.get("if-none-match") == etag and
          before.get("if-modified-since"), "before: If-None-Match %r "
          "(ETag %r), If-Modified-Since %r" % (
              before.get("if-none-match"), etag,
              before.get("if-modified-since")))
    n = len(d.lines())
    srv.control("304-bare", count=2)
    # Every request from t1 on saw that setting: at most two bare 304s,
    # then the frozen document again (304 if conditional, else 200).
    time.sleep(0.02)
    t1 = time.time()

    def three():
        st = srv.stats()
        log = [e for e in st["log"][PLS] if e[0] >= t1]
        return (st, log) if len(log) >= 3 else None
    st, log = h.wait_for(three, timeout=5, what="three fetches after the "
                         "bare 304s were switched on")
    mode = srv.get_json("/control")["settings"].get(PLS, {}).get("mode")
    check(mode == "frozen", "the bare 304s were not all served: %s" % mode)
    check(all(s == "304" for _, s in log), "statuses after bare 304s: %s "
          "(a 200 answers a request without validators)" % log)
    hdrs = {k.lower(): v for k, v in st["headers"][PLS].items()}
    check(hdrs.get("if-none-match") == etag, "If-None-Match %r after bare "
          "304s, want %r" % (hdrs.get("if-none-match"), etag))
    check(hdrs.get("if-modified-since") == before["if-modified-since"],
          "If-Modified-Since %r after bare 304s, want %r"
          % (hdrs.get("if-modified-since"), before["if-modified-since"]))
    check(not log_lines(d, r"^<[0-6]>feed pls:", n), "log after bare 304s: "
          "%s" % log_lines(d, r"feed pls", n))
    check(shown(readout(d)[1]) == want, "board changed after bare 304s")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_feed_sends_headers_and_decodes_gzip(c):
    srv = FeedServer(c)
    doc = frozen_doc(srv)
    height = park_board(c)
    d = start(c, srv.url(PLS), height, headers=[
        {"name": "X-Api-Key", "value": "secret"}])
    wait_shows(d, expect(doc), what="first document (gzip)")
    st = srv.stats()
    hdrs = {k.lower(): v for k, v in st["headers"][PLS].items()}
    check(hdrs.get("x-api-key") == "secret", "X-Api-Key: %r"
          % hdrs.get("x-api-key"))
    check("gzip" in hdrs.get("accept-encoding", ""), "Accept-Encoding: %r"
          % hdrs.get("accept-encoding"))
    check(st["encoding"].get(PLS) == "gzip", "the server sent %r"
          % st["encoding"].get(PLS))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_feed_429_honours_retry_after(c):
    srv = FeedServer(c)
    doc = frozen_doc(srv)
    height = park_board(c, ["SP02"])
    d = start(c, srv.url(PLS), height, stale_after_s=300)
    wait_shows(d, expect(doc, ["SP02"]), what="first document")
    n = len(d.lines())
    srv.control("429", count=1)  # Retry-After: 2
    d.wait_log(r"^<4>feed pls: .*429", after=n, timeout=4)
    d.wait_log(r"^<6>feed pls: .*retry after 2 s", after=n, timeout=1)
    d.wait_log(recovered(1), after=n, timeout=5)
    log = srv.stats()["log"][PLS]
    k = [i for i, (t, s) in enumerate(log) if s == "429"]
    check(len(k) == 1 and k[0] + 1 < len(log), "request log %s" % log)
    gap = log[k[0] + 1][0] - log[k[0]][0]
    check(gap >= 1.95, "next request %.2f s after a 429 with Retry-After: "
          "2" % gap)
    check(gap <= 3.5, "next request only %.2f s after a 429 with "
          "Retry-After: 2" % gap)
    check(shown(readout(d)[1]) == expect(doc, ["SP02"]),
          "board changed after a 429")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_feed_reload_keeps_data(c):
    srv = FeedServer(c)
    doc = frozen_doc(srv)
    want = expect(doc, ["SP02", "NP13"])
    height = park_board(c, ["SP02", "NP13"])
    d = start(c, srv.url(PLS), height, stale_after_s=300)
    wait_shows(d, want, what="first document")
    # The same feed with another interval: its data stays on the board.
    conf = c.config(w=BOARD_W, h=height, feeds=[
        feed(srv.url(PLS), interval_s=2, stale_after_s=300)])
    n = d.hup()
    d.wait_log(r"^<5>reloaded: ", after=n)
    got = shown(readout(d)[1])
    check(got == want, "after a reload: %s" % diff(got, want))
    # A broken feed in the new config: refused, the old one keeps going.
    c.config(w=BOARD_W, h=height, feeds=[
        feed(srv.url(PLS), interval_s=0)])
    n = d.hup()
    i, _ = d.wait_log(r"reload failed: keeping", after=n)
    h.expect_error("\n".join(d.lines()[n:i]), conf + ": feeds[0].interval_s")
    before = srv.requests()
    h.wait_for(lambda: srv.requests() > before, timeout=3,
               what="a fetch after the failed reload")
    got = shown(readout(d)[1])
    check(got == want, "after a failed reload: %s" % diff(got, want))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_feed_file_url_needs_allow_file(c):
    body, _ = fsmod.pls_document(time.time())
    path = c.path("pls.json")
    with open(path, "wb") as f:
        f.write(body)
    doc = json.loads(body)
    height = park_board(c)
    conf = c.config(w=BOARD_W, h=height,
                    feeds=[feed("file://" + path)])
    rc, out, err = c.tafeld("-n", "-c", conf)
    check(rc == 1 and out == "", "file:// without allow_file: exit %d, "
          "stdout %r" % (rc, out))
    h.expect_error(err, conf + ": feeds[0].url")
    conf = c.config(w=BOARD_W, h=height,
                    feeds=[feed("file://" + path, allow_file=True)])
    rc, out, err = c.tafeld("-n", "-c", conf)
    check(rc == 0, "file:// with allow_file: exit %d: %s" % (rc, err))
    d = c.start(conf)
    wait_shows(d, expect(doc), what="file:// document")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


# ---------------------------------------------------------------------------

def main(argv):
    return h.main_for(CASES, argv, case_class=Case)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
