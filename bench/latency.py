#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tafel authors
"""bench/latency.py: how long an operator message takes to reach the board.

    python3 bench/latency.py [path/to/tafeld] [N]   (build/tafeld, 200)

Starts tafeld (DirectFB "dummy", fps 60, 128x16: a message zone on the top
row with a static text of its own, a ticker scrolling at 60 px/s below it,
so a frame is presented every 16.7 ms) with its HTTP server on a free port
of 127.0.0.1, then N times:

  - POSTs a message with a new text to the zone and, without waiting for
    the answer, polls the board over keep-alive connections, alternating
    /snapshot.png and /api/v1/display;
  - POST -> 201: until the answer's status line arrives.  The daemon
    answers only once the store has fsynced the message (file and folder),
    so this is the disk's time more than the daemon's;
  - POST -> on board: until the first /snapshot.png whose top 8 rows (the
    zone) differ from the zone's own content.  /snapshot.png holds the
    pixels of the last presented frame, so this is the figure the issue
    asks for.  Time of the answer that showed it (an upper bound; one poll
    takes well under a millisecond, see "poll" below);
  - frames: /api/v1/display's "frame" counter when it first names the
    message, minus the counter just before the POST (1 = the very next
    frame);
  - then DELETEs the message, waits for the zone's own content, and waits
    a random 0..17 ms so that the POSTs fall on every phase of the frame
    clock.

Prints p50/p90/p99/max of each against the frame interval, e.g.
    POST->201:      p50 X ms  p99 Y ms
    POST->on board: p50 X ms, p99 Y ms (frame 16.7 ms)
It also prints the frames presented per second with only the ticker and
during the run.  A benchmark prints figures and asserts nothing; it is not
part of make test.  Loopback only, bounded (a few seconds for N = 200, at
most BOUND_S), and the daemon it starts is stopped on exit.  Uses the test
harness of tests/integration (run.py) for the temporary folder, the font
and the daemon.
"""

import http.client
import json
import os
import random
import re
import select
import socket
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
import run as h  # noqa: E402  (Case, Daemon, layout, the test font)

FPS = 60
FRAME_MS = 1000.0 / FPS
W, H, ZONE_H = 128, 16, 8
TOKEN = "bench-token-5d1c9a7e3f"
BOUND_S = 180           # the whole run, whatever N
ROUND_S = 2             # one message: shown, deleted, gone
TIMEOUT_S = 5           # one HTTP request


def zone_rows(png):
    """The filtered bytes of the zone's rows (rows 0..ZONE_H-1) of an 8-bit
    RGB PNG.  Rows are filtered against the row above only, so two frames
    with the same zone pixels give the same bytes; comparing them is
    enough."""
    pos, idat = 8, []
    while pos < len(png):
        n = int.from_bytes(png[pos:pos + 4], "big")
        kind = png[pos + 4:pos + 8]
        if kind == b"IDAT":
            idat.append(png[pos + 8:pos + 8 + n])
        elif kind == b"IEND":
            break
        pos += 12 + n
    raw = zlib.decompressobj().decompress(b"".join(idat),
                                          ZONE_H * (W * 3 + 1))
    return raw[:ZONE_H * (W * 3 + 1)]


class Conn:
    """One keep-alive connection for the polls."""

    def __init__(self, port):
        self.port = port
        self.c = http.client.HTTPConnection("127.0.0.1", port,
                                            timeout=TIMEOUT_S)

    def get(self, path, headers=None):
        for attempt in (0, 1):
            try:
                self.c.request("GET", path, headers=headers or {})
                r = self.c.getresponse()
                return r.status, r.read()
            except (http.client.HTTPException, OSError):
                self.c.close()
                self.c = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=TIMEOUT_S)
                if attempt:
                    raise

    def request(self, method, path, body=None):
        self.c.request(method, path, body=body, headers={
            "Authorization": "Bearer " + TOKEN,
            "Content-Type": "application/json"})
        r = self.c.getresponse()
        return r.status, r.read()


def send_post(port, body):
    """Send a POST on a socket of its own, not waiting for the answer."""
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(("POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "Authorization: Bearer %s\r\nContent-Type: application/json"
               "\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
               % (TOKEN, len(body))).encode() + body)
    return s


def read_answer(s):
    """The whole answer of send_post's socket (Connection: close)."""
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            return data
        data += b


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5)) - 1))]


def line(name, v):
    return ("%-16s p50 %6.1f ms  p90 %6.1f ms  p99 %6.1f ms  max %6.1f ms"
            % (name, pct(v, 50), pct(v, 90), pct(v, 99), max(v)))


def setup(c):
    c.write("tokens", "bench:%s\n" % TOKEN)
    ticker = "Zug 17 Bern ab 08:42 Gleis 3 +++ " * 2
    c.write("layout.json", h.layout(W, H, [
        h.region("msg", 0, 0, W, ZONE_H,
                 [h.text("-", valign="top", color=h.GREEN)], zone="msg"),
        h.region("tick", 0, ZONE_H, W, H - ZONE_H, [h.text(
            ticker, color=h.RED, valign="top", overflow="scroll",
            scroll_speed=60, scroll_gap=16)]),
    ], background=h.BOARD_BG))
    return c.config(w=W, h=H, display={"fps": FPS},
                    http={"listen": ["127.0.0.1:0"], "tokens_file": "tokens",
                          "rate_per_s": 0})


def message_in(doc):
    for r in doc.get("regions", []):
        if r.get("name") == "msg":
            for w in r.get("widgets", []):
                if w.get("type") == "message":
                    return w.get("text")
    return None


def main(argv):
    tafeld = os.path.abspath(argv[1] if len(argv) > 1 else
                             os.path.join(REPO, "build", "tafeld"))
    n = int(argv[2]) if len(argv) > 2 else 200
    if not os.access(tafeld, os.X_OK):
        print("bench/latency.py: %s is not built (make)" % tafeld,
              file=sys.stderr)
        return 1
    if not 1 <= n <= 2000:
        print("bench/latency.py: N 1..2000", file=sys.stderr)
        return 2
    h.TAFELD = tafeld
    rng = random.Random(1)
    c = h.Case("latency")
    try:
        d = c.start(setup(c))
        _, m = d.wait_log(r"^<5>http: listening on 127\.0\.0\.1:0 "
                          r"\(port (\d+)\)$")
        port = int(m.group(1))
        snap, disp, ctl = Conn(port), Conn(port), Conn(port)
        time.sleep(0.5)
        status, png = snap.get("/snapshot.png")
        if status != 200:
            print("bench/latency.py: /snapshot.png: HTTP %d" % status,
                  file=sys.stderr)
            return 1
        base = zone_rows(png)
        # The frame rate with nothing but the ticker, as a baseline.
        f0, t0 = json.loads(disp.get("/api/v1/display")[1])["frame"], \
            time.monotonic()
        time.sleep(1)
        idle_fps = (json.loads(disp.get("/api/v1/display")[1])["frame"] -
                    f0) / (time.monotonic() - t0)
        t_start = time.monotonic()
        run_f0 = json.loads(disp.get("/api/v1/display")[1])["frame"]
        to_201, to_px, to_ro, frames, polls = [], [], [], [], []
        for i in range(n):
            if time.monotonic() - t_start > BOUND_S:
                print("bench/latency.py: stopped after %d of %d rounds "
                      "(%d s bound)" % (i, n, BOUND_S))
                break
            text = "M%04d %s" % (i, "".join(rng.choice("ABCDEFGHKLMNPRSTUVZ")
                                            for _ in range(6)))
            body = json.dumps({"multi": text, "priority": 10,
                               "duration_s": 600}).encode()
            fb = json.loads(disp.get("/api/v1/display")[1])["frame"]
            t0 = time.perf_counter()
            ps = send_post(port, body)
            t201 = tpx = tro = None
            fro = None
            answer = b""
            npoll, tpoll = 0, 0.0
            end = t0 + ROUND_S
            while (t201 is None or tpx is None or tro is None) and \
                    time.perf_counter() < end:
                if t201 is None and select.select([ps], [], [], 0)[0]:
                    t201 = time.perf_counter()
                    answer = read_answer(ps)
                if tpx is None:
                    a = time.perf_counter()
                    _, png = snap.get("/snapshot.png")
                    b = time.perf_counter()
                    npoll += 1
                    tpoll += b - a
                    if zone_rows(png) != base:
                        tpx = b
                if tro is None:
                    _, raw = disp.get("/api/v1/display")
                    doc = json.loads(raw)
                    if message_in(doc) == text:
                        tro, fro = time.perf_counter(), doc["frame"]
            if t201 is None:
                r, _, _ = select.select([ps], [], [], ROUND_S)
                if r:
                    t201 = time.perf_counter()
                    answer = read_answer(ps)
            ps.close()
            st = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
            if not st or st.group(1) != b"201" or tpx is None or \
                    tro is None:
                print("round %d: answer %r, on board %s, in readout %s"
                      % (i, answer[:200], tpx is not None, tro is not None))
                return 1
            mid = json.loads(answer.split(b"\r\n\r\n", 1)[1])["id"]
            to_201.append((t201 - t0) * 1000)
            to_px.append((tpx - t0) * 1000)
            to_ro.append((tro - t0) * 1000)
            frames.append(fro - fb)
            polls.append(tpoll / npoll * 1000)
            status, _ = ctl.request("DELETE", "/api/v1/messages/" + mid)
            if status != 200:
                print("round %d: DELETE %s: HTTP %d" % (i, mid, status))
                return 1
            end = time.perf_counter() + ROUND_S
            while zone_rows(snap.get("/snapshot.png")[1]) != base:
                if time.perf_counter() > end:
                    print("round %d: the zone did not come back" % i)
                    return 1
            time.sleep(rng.uniform(0, FRAME_MS / 1000))
        doc = json.loads(disp.get("/api/v1/display")[1])
        run_fps = (doc["frame"] - run_f0) / (time.monotonic() - t_start)
        d.stop()
    finally:
        c.cleanup()

    k = len(to_px)
    within = sum(1 for v in to_px if v <= FRAME_MS)
    hist = {}
    for f in frames:
        hist[f] = hist.get(f, 0) + 1
    print("tafeld %s, %d messages, fps %d (frame %.1f ms), board %dx%d, "
          "ticker 60 px/s" % (tafeld, k, FPS, FRAME_MS, W, H))
    print("frames presented: %.1f/s with only the ticker, %.1f/s during "
          "the run (a change is drawn in the next frame slot)" % (idle_fps, run_fps))
    print(line("POST->201:", to_201) + "   (waits for fsync)")
    print(line("POST->on board:", to_px) +
          "   (/snapshot.png pixels; %d of %d = %.0f%% within one frame "
          "of %.1f ms)" % (within, k, 100.0 * within / k, FRAME_MS))
    print(line("POST->readout:", to_ro) + "   (/api/v1/display names it)")
    print("POST->on board: p50 %.1f ms, p99 %.1f ms (frame %.1f ms); "
          "POST->201: p50 %.1f ms, p99 %.1f ms"
          % (pct(to_px, 50), pct(to_px, 99), FRAME_MS, pct(to_201, 50),
             pct(to_201, 99)))
    print("frames from the POST to the first frame naming it (readout "
          "frame counter; frames: rounds): %s" % ", ".join(
              "%d: %d" % (f, hist[f]) for f in sorted(hist)))
    print("one /snapshot.png poll: p50 %.2f ms (the resolution of "
          "\"on board\")" % pct(polls, 50))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
