#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tafel authors
"""Integration tests of the traffic boards: the real tafeld against the
fixture feed server's simulated DATEX II travel times and situations and
its stationboard (tools/feedserver.py), over HTTP.

    python3 tests/integration/traffic.py build/tafeld [CASE...]

Each case starts its own feed server and tafeld in a fresh temporary
folder (the harness of run.py, the feed server of feeds.py, the API client
of api.py).  What the board shows is read from GET /api/v1/display, the
renderer's own readout.  What it should show is asked of `tafeld inspect`
on the very document the server served (the feeds are frozen, so that
document is known), with the same "now": the widgets must show exactly
the records the adapters and display rules give, in the widgets' order.
The last line is "N passed, N failed"; the exit code is 1 when anything
failed.
"""

import calendar
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as h  # noqa: E402  (the harness of the other integration tests)
import feeds as fd  # noqa: E402  (the feed server)
import api  # noqa: E402  (tokens, the API client)
import monitor as mon  # noqa: E402  (Prometheus samples)
from run import Fail, check  # noqa: E402

TRAVEL = "/datex2-traveltime"
SITUATION = "/datex2-situation"
BOARD = "/stationboard"
ROUTES = [("LU-ZENTRUM", "Zentrum"), ("LU-BAHNHOF", "Bahnhof"),
          ("LU-A2-NORD", "A2"), ("LU-HORW", "Horw")]
BOARD_ROWS = 16          # more than the stationboard's 15 departures
SEVERITY = {"lowest": 1, "low": 2, "medium": 3, "high": 4, "highest": 5}
NODATA = "keine Daten"
EMPTY_TICKER = "Keine Meldungen"
EMPTY_BOARD = "Keine Abfahrten"
UTC_RX = re.compile(r"<measurementOrCalculationTime>(\d{4})-(\d\d)-(\d\d)T"
                    r"(\d\d):(\d\d):(\d\d)Z<")


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------

def traffic_layout(c):
    """192 px wide, 8 px rows: four travel routes, the ticker (message
    zone "ticker"), then a departure board of BOARD_ROWS rows."""
    font = {"font": "t", "row_h": 8}
    regions = [
        h.region("travel", 0, 0, 192, 32, [dict(
            type="travel", feed="travel",
            items=[{"id": i, "label": l} for i, l in ROUTES], **font)]),
        h.region("ticker", 0, 32, 192, 8, [dict(
            type="ticker", feed="sit", font="t", first_priority=128,
            empty_text=EMPTY_TICKER, nodata_text=NODATA)], zone="ticker"),
        h.region("departures", 0, 40, 192, 8 * BOARD_ROWS, [dict(
            type="departures", feed="sb", empty_text=EMPTY_BOARD,
            nodata_text=NODATA, **font)]),
    ]
    c.write("layout.json", h.layout(192, 40 + 8 * BOARD_ROWS, regions))
    return 40 + 8 * BOARD_ROWS


def traffic_conf(c, srv, stale_after_s=600, messages=None):
    height = traffic_layout(c)
    feeds = [fd.feed(srv.url(path), id=fid, format=fmt,
                     stale_after_s=stale_after_s)
             for fid, path, fmt in (("travel", TRAVEL, "datex2-traveltime"),
                                    ("sit", SITUATION, "datex2-situation"),
                                    ("sb", BOARD, "stationboard"))]
    return api.api_conf(c, w=192, h_=height, feeds=feeds, language="de",
                        messages=messages)


def freeze(srv, path):
    """Freeze path on a document made now; return its bytes."""
    srv.control("frozen", path=path)
    status, _, body = srv.request("GET", path)
    check(status == 200, "feedserver GET %s: %d" % (path, status))
    return body


# ---------------------------------------------------------------------------
# What the board shows, what it should show
# ---------------------------------------------------------------------------

def widgets(doc, region):
    for r in doc.get("regions", []):
        if r.get("name") == region:
            return [(w.get("type"), w.get("text"), w.get("value"))
                    for w in r.get("widgets", [])]
    return []


def shows(doc):
    """{"travel": {label: value}, "ticker": [(text, value)], "board":
    [(text, value)] (region "departures")} of a readout."""
    return {"travel": {t: v for k, t, v in widgets(doc, "travel")
                       if k == "travel"},
            "ticker": [(t, v) for _, t, v in widgets(doc, "ticker")],
            "board": [(t, v) for _, t, v in widgets(doc, "departures")]}


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + \
        ".%03dZ" % int(t * 1000 % 1000)


def inspect(c, fmt, body, now, stale_after_s=600):
    p = c.path("doc-%s" % fmt)
    with open(p, "wb") as f:
        f.write(body)
    rc, out, err = c.tafeld("inspect", fmt, p, "--now", iso(now),
                            "--stale-after", str(stale_after_s))
    check(rc == 0, "inspect %s: exit %d: %s" % (fmt, rc, err.strip()))
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def expected(c, docs, now, stale_after_s=600):
    """What the board must show at now for the documents served."""
    travel = {r["id"]: r for r in inspect(c, "datex2-traveltime",
                                          docs[TRAVEL], now, stale_after_s)}
    want_travel = {}
    for rid, label in ROUTES:
        r = travel.get(rid, {"display": "---", "delay": ""})
        want_travel[label] = r["display"] + (" " + r["delay"]
                                             if r["delay"] else "")
    sits = inspect(c, "datex2-situation", docs[SITUATION], now)
    # Highest severity first, then document order (sorted() is stable).
    sits = sorted(sits, key=lambda s: -SEVERITY.get(s["severity"].lower(),
                                                    0))
    ticker = [(s["text"], s["severity"]) for s in sits] or \
        [(EMPTY_TICKER, "empty")]
    board = []
    for d in inspect(c, "stationboard", docs[BOARD], now):
        text = "  ".join([d["time"], d["line"], d["to"]] +
                         ([d["platform"]] if d["platform"] else []))
        board.append((text, d["delay"]))
    return {"travel": want_travel, "ticker": ticker,
            "board": board[:BOARD_ROWS] or [(EMPTY_BOARD, "empty")]}


def diff(got, want):
    out = []
    for k in ("travel", "ticker", "board"):
        if got[k] != want[k]:
            out.append("%s: got %s, want %s" % (k, got[k], want[k]))
    return "; ".join(out)


def wait_matches(c, a, docs, timeout=h.WAIT_S, with_msgs=None):
    """Poll the display until it shows what inspect says for now (the two
    are asked at nearly the same moment; a departure leaving between them
    makes one more round)."""
    end = time.monotonic() + timeout
    while True:
        t0 = time.time()
        got = shows(a.display())
        want = expected(c, docs, t0)
        if with_msgs is not None:
            want["ticker"] = with_msgs(want["ticker"])
        if got == want:
            return got
        if time.monotonic() > end:
            raise Fail("the board after %gs: %s" % (timeout, diff(got,
                                                                  want)))
        time.sleep(0.1)


def utc_of(body):
    """The measurement time of a simulated travel-time document."""
    m = UTC_RX.search(body.decode())
    check(m, "no measurementOrCalculationTime in the document")
    return calendar.timegm(tuple(int(g) for g in m.groups()))


def last_ok(srv, path):
    """Unix time of the last request on path answered 200 or 304."""
    log = srv.stats()["log"].get(path, [])
    ok = [t for t, status in log if status in ("200", "304")]
    check(ok, "no successful request on %s: %s" % (path, log[-5:]))
    return ok[-1]


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


@case
def test_traffic_board_shows_what_the_feeds_say(c):
    srv = fd.FeedServer(c)
    docs = {p: freeze(srv, p) for p in (TRAVEL, SITUATION, BOARD)}
    d, a = api.start_api(c, traffic_conf(c, srv))
    got = wait_matches(c, a, docs, timeout=8)
    # The simulation has something in every widget, and the rules at work.
    check(got["travel"]["Horw"] == "---", "dataError: %r"
          % got["travel"]["Horw"])
    check(all(re.match(r"^\d+ min( \+\d+)?$", got["travel"][l])
              for _, l in ROUTES[:3]), "travel: %s" % got["travel"])
    check(len(got["ticker"]) >= 3 and all(v != "message" for _, v in
                                          got["ticker"]),
          "ticker: %s" % got["ticker"])
    check("Sonnenbergtunnel" not in json.dumps(got["ticker"]),
          "the suspended record is shown: %s" % got["ticker"])
    check(len(got["board"]) >= 10, "departures: %s" % got["board"])
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_traffic_operator_messages_run_in_the_ticker(c):
    srv = fd.FeedServer(c)
    docs = {p: freeze(srv, p) for p in (TRAVEL, SITUATION, BOARD)}
    d, a = api.start_api(c, traffic_conf(c, srv))
    wait_matches(c, a, docs, timeout=8)
    # Longer than the 192 px region: a ticker zone takes it (it scrolls).
    long_text = "Konzert im KKL heute ab 19:30 - bitte P+R Allmend benuetzen"
    first = a.post(api.msg("[cf255,255,255]Konzert KKL:[nl]P+R Allmend",
                           priority=200, zone="ticker"))
    a.post(api.msg(long_text, priority=50, zone="ticker"))

    def with_msgs(sits):
        # At or above first_priority (128) first, its lines joined; the
        # other one after the first situation.
        out = [("Konzert KKL: P+R Allmend", "message")]
        out += sits[:1] + [(long_text, "message")] + sits[1:]
        return out
    wait_matches(c, a, docs, with_msgs=with_msgs)
    check(all(k != "message" for k, _, _ in
              widgets(a.display(), "ticker")),
          "the ticker region was replaced by a message")
    # A message that ends leaves the ticker at once.
    a.delete(first["id"])
    wait_matches(c, a, docs, with_msgs=lambda sits: sits[:1] + [
        (long_text, "message")] + sits[1:])
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_traffic_stopped_feeds_turn_to_nodata_on_time(c):
    srv = fd.FeedServer(c)
    stale_s = 3
    d, a = api.start_api(c, traffic_conf(c, srv, stale_after_s=stale_s))
    h.wait_for(lambda: shows(a.display())["travel"].get("Zentrum", "---")
               != "---" and shows(a.display())["board"][0][1] != "nodata",
               timeout=8, what="live travel times and departures")

    # Travel times: the feed stops (the last document is served as it is);
    # its measurement time makes the rows stale stale_s seconds later.
    body = freeze(srv, TRAVEL)
    stale_at = utc_of(body) + stale_s
    # The situations and the stationboard fail (HTTP 500): the last good
    # documents turn stale stale_s after they were fetched.
    srv.control("500", path=SITUATION)
    srv.control("500", path=BOARD)
    seen_live = False
    while True:
        t0 = time.time()
        got = shows(a.display())
        t1 = time.time()
        rows = [got["travel"][l] for _, l in ROUTES[:3]]
        if all(v == "---" for v in rows):
            check(t1 >= stale_at - 0.05, "--- at %.2f s, before the data "
                  "is %d s old" % (t1 - stale_at + stale_s, stale_s))
            break
        check(not any(v == "---" for v in rows),
              "only some routes turned to ---: %s" % got["travel"])
        seen_live = seen_live or t1 < stale_at - 0.1
        check(t0 < stale_at + 1.0, "still travel times %.2f s after the "
              "data turned %d s old: %s" % (t0 - stale_at, stale_s,
                                            got["travel"]))
        time.sleep(0.05)
    check(seen_live, "never saw travel times before ---")

    def nodata():
        got = shows(a.display())
        return got["ticker"] == [(NODATA, "nodata")] and \
            got["board"] == [(NODATA, "nodata")] and time.time()
    t_nodata = h.wait_for(nodata, timeout=stale_s + 3,
                          what="ticker and departures showing no data")
    ok = max(last_ok(srv, SITUATION), last_ok(srv, BOARD))
    check(t_nodata >= ok + stale_s - 0.05,
          "no data %.2f s after the last good fetch, before %d s"
          % (t_nodata - ok, stale_s))
    check(t_nodata <= ok + stale_s + 1.5,
          "no data only %.2f s after the last good fetch (stale after %d s)"
          % (t_nodata - ok, stale_s))

    # Back: everything shows data again.
    for p in (TRAVEL, SITUATION, BOARD):
        srv.control("ok", path=p)
    h.wait_for(lambda: shows(a.display())["travel"]["Zentrum"] != "---"
               and shows(a.display())["board"][0][1] != "nodata"
               and shows(a.display())["ticker"][0][1] != "nodata",
               timeout=8, what="data again after the feeds recovered")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_traffic_ticker_draws_frames_only_while_it_moves(c):
    # A ticker whose items do not fit scrolls at 40 px/s, which wants a
    # frame every 25 ms: display.fps (10) caps it.  Once there is nothing
    # to scroll (the feed failed and turned stale: "keine Daten" stands
    # still) no frames are drawn at all.
    srv = fd.FeedServer(c)
    freeze(srv, SITUATION)
    c.write("layout.json", h.layout(192, 8, [h.region(
        "ticker", 0, 0, 192, 8, [dict(
            type="ticker", feed="sit", font="t", scroll_speed=40,
            nodata_text=NODATA)])]))
    conf = api.api_conf(c, w=192, h_=8, display={"fps": 10},
                        feeds=[fd.feed(srv.url(SITUATION), id="sit",
                                       format="datex2-situation",
                                       stale_after_s=2)])
    d, a = api.start_api(c, conf)
    h.wait_for(lambda: len(shows(a.display())["ticker"]) >= 3, timeout=8,
               what="situations in the ticker")

    def frames():
        return mon.sample(a.metrics(), "tafel_frames_total")
    f0, t0 = frames(), time.monotonic()
    time.sleep(2)
    f1, t1 = frames(), time.monotonic()
    rate = (f1 - f0) / (t1 - t0)
    check(5 <= rate <= 11, "%.1f frames/s while scrolling, want about 10"
          % rate)
    srv.control("500", path=SITUATION)
    h.wait_for(lambda: shows(a.display())["ticker"] == [(NODATA, "nodata")],
               timeout=6, what="the ticker showing no data")
    time.sleep(0.3)
    f0 = frames()
    time.sleep(2)
    f1 = frames()
    check(f1 - f0 <= 1, "%d frames in 2 s with nothing moving" % (f1 - f0))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_traffic_feeds_fresh_keep_the_failsafe_away(c):
    # The fail-safe message takes the board only while every feed is
    # stale: traffic documents (no car parks in them) are fresh while they
    # are fetched within stale_after_s.
    srv = fd.FeedServer(c)
    d, a = api.start_api(c, traffic_conf(
        c, srv, stale_after_s=5, messages={"failsafe": "AUSSER BETRIEB"}))
    h.wait_for(lambda: shows(a.display())["board"][:1] != [] and
               shows(a.display())["board"][0][1] != "nodata",
               timeout=8, what="departures")
    time.sleep(1.5)
    doc = a.display()
    check(not any(r.get("name") == "board" and
                  any(w.get("type") == "message" for w in r["widgets"])
                  for r in doc.get("regions", [])),
          "the fail-safe message shows while the feeds are fresh: %s"
          % json.dumps(doc)[:400])
    check(shows(doc)["travel"].get("Zentrum", "---") != "---",
          "travel: %s" % shows(doc)["travel"])
    check(d.stop() == 0, "SIGTERM: exit code not 0")


# ---------------------------------------------------------------------------

def main(argv):
    return h.main_for(CASES, argv, case_class=fd.Case)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
