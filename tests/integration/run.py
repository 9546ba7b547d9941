#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tafel authors
"""Integration tests: run the real tafeld and look at what it does.

    python3 tests/integration/run.py build/tafeld [CASE...]

Every case writes its own config, layout and font into a fresh temporary
folder, runs tafeld (-n, --once, or as a daemon on DirectFB's headless
"dummy" system) and checks its exit codes, its stderr log lines and the
pixels of the PNG snapshots it writes.  A case that fails does not stop the
others; the last line is "N passed, N failed" and the exit code is 1 when
anything failed.

The cases draw with a font made here (write_test_font()), so they do not depend
on the design of the shipped fonts; only test_builtin_small_font uses
<repo>/fonts.  Standard library only: the PNG reader below is a small
zlib + struct decoder for what tafeld writes (8-bit RGB, not interlaced).
"""

import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
REPO_FONTS = os.path.join(REPO, "fonts")

TAFELD = None          # absolute path of the binary under test (argv[1])
RUN_TIMEOUT_S = 10     # -n and --once
START_TIMEOUT_S = 5    # until the daemon logs that it shows its layout
STOP_TIMEOUT_S = 5     # SIGTERM/SIGINT until exit
WAIT_S = 3             # any other wait for a log line or a file

# Geometry of the test font: every glyph is drawn in a 5x7 box sitting on
# the baseline; the font is 8 pixels (ascent 7, descent 1).  '#' is a solid
# 5x7 block with an advance of 5 (no spacing), so its ink is exactly the
# text's extent; every other glyph advances 6.
FONT_PX = 8
FONT_ASCENT = 7
GLYPH_W, GLYPH_H = 5, 7
ADVANCE = 6


class Fail(Exception):
    pass


class Skip(Exception):
    """A case that cannot run here: "skip NAME: reason", not counted."""


def check(cond, msg):
    if not cond:
        raise Fail(msg)


# ---------------------------------------------------------------------------
# PNG
# ---------------------------------------------------------------------------

class Image:
    def __init__(self, w, h, rows):
        self.w, self.h, self.rows = w, h, rows

    def at(self, x, y):
        return self.rows[y][x]

    def pixels(self, box=None):
        """(x, y, rgb) of every pixel in box = (x0, y0, x1, y1), x1/y1
        exclusive; the whole image when box is None."""
        x0, y0, x1, y1 = box or (0, 0, self.w, self.h)
        for y in range(y0, y1):
            row = self.rows[y]
            for x in range(x0, x1):
                yield x, y, row[x]

    def colours(self, box=None):
        out = {}
        for _, _, c in self.pixels(box):
            out[c] = out.get(c, 0) + 1
        return out

    def ink(self, bg, box=None):
        """Pixels in box whose colour is not bg: {(x, y): rgb}."""
        return {(x, y): c for x, y, c in self.pixels(box) if c != bg}

    def column(self, x, y0, y1):
        return tuple(self.rows[y][x] for y in range(y0, y1))


def bbox(points):
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def rgb(hexcolour):
    v = int(hexcolour.lstrip("#")[:6], 16)
    return (v >> 16, (v >> 8) & 0xff, v & 0xff)


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(path):
    """Decode an 8-bit RGB or RGBA, non-interlaced PNG into an Image of RGB
    tuples.  Raises Fail on anything else, including a bad CRC."""
    check(os.path.isfile(path), "%s: no such file" % path)
    with open(path, "rb") as f:
        data = f.read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "%s: not a PNG" % path)
    pos, ihdr, idat = 8, None, []
    while pos < len(data):
        check(pos + 12 <= len(data), "%s: truncated chunk" % path)
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        check(len(body) == n and zlib.crc32(kind + body) == crc,
              "%s: bad %r chunk" % (path, kind))
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + n
    check(ihdr is not None and idat, "%s: no IHDR or IDAT" % path)
    w, h, depth, ctype, _, _, interlace = ihdr
    check(depth == 8 and ctype in (2, 6) and interlace == 0,
          "%s: depth %d colour type %d interlace %d, want 8-bit RGB"
          % (path, depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    check(len(raw) == h * (stride + 1),
          "%s: %d bytes of pixel data for %dx%d" % (path, len(raw), w, h))
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        ft = raw[y * (stride + 1)]
        cur = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ft == 1:
            for i in range(bpp, stride):
                cur[i] = (cur[i] + cur[i - bpp]) & 0xff
        elif ft == 2:
            for i in range(stride):
                cur[i] = (cur[i] + prev[i]) & 0xff
        elif ft == 3:
            for i in range(stride):
                left = cur[i - bpp] if i >= bpp else 0
                cur[i] = (cur[i] + ((left + prev[i]) >> 1)) & 0xff
        elif ft == 4:
            for i in range(stride):
                left = cur[i - bpp] if i >= bpp else 0
                upleft = prev[i - bpp] if i >= bpp else 0
                cur[i] = (cur[i] + _paeth(left, prev[i], upleft)) & 0xff
        else:
            check(ft == 0, "%s: row %d has filter type %d" % (path, y, ft))
        rows.append([tuple(cur[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = cur
    return Image(w, h, rows)


def _filter_row(ft, cur, prev, bpp):
    out = bytearray(len(cur))
    for i in range(len(cur)):
        left = cur[i - bpp] if i >= bpp else 0
        upleft = prev[i - bpp] if i >= bpp else 0
        # Paeth written differently from _paeth(), which it checks.
        est = left + prev[i] - upleft
        paeth = min((abs(est - v), k, v) for k, v in
                    enumerate((left, prev[i], upleft)))[2]
        pred = (0, left, prev[i], (left + prev[i]) // 2, paeth)[ft]
        out[i] = (cur[i] - pred) & 0xff
    return out


def write_png(path, rows, alpha=False):
    """Write rows of RGB (or RGBA) tuples as a PNG, row y with filter type
    y % 5, so that the reader's self-check sees every filter."""
    h, w, bpp = len(rows), len(rows[0]), 4 if alpha else 3
    raw, prev = bytearray(), bytearray(w * bpp)
    for y, row in enumerate(rows):
        cur = bytearray(v for px in row for v in px)
        raw += bytes([y % 5]) + _filter_row(y % 5, cur, prev, bpp)
        prev = cur

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body)))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8,
                                           6 if alpha else 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(bytes(raw))) +
                chunk(b"IEND", b""))


def png_self_check(folder):
    """The reader decodes what the writer wrote, every filter type."""
    rows = [[((x * 37 + y * 11) & 0xff, (x * y * 7) & 0xff,
              (255 - x * 13 + y) & 0xff) for x in range(9)]
            for y in range(10)]
    p = os.path.join(folder, "self.png")
    write_png(p, rows)
    img = read_png(p)
    check((img.w, img.h) == (9, 10) and img.rows == rows,
          "harness: the PNG reader is broken")


# ---------------------------------------------------------------------------
# Fixtures: font, layout, config
# ---------------------------------------------------------------------------

DIGITS = {
    "0": "01110 10001 10011 10101 11001 10001 01110",
    "1": "00100 01100 00100 00100 00100 00100 01110",
    "2": "01110 10001 00001 00010 00100 01000 11111",
    "3": "11111 00010 00100 00010 00001 10001 01110",
    "4": "00010 00110 01010 10010 11111 00010 00010",
    "5": "11111 10000 11110 00001 00001 10001 01110",
    "6": "00110 01000 10000 11110 10001 10001 01110",
    "7": "11111 00001 00010 00100 01000 01000 01000",
    "8": "01110 10001 10001 01110 10001 10001 01110",
    "9": "01110 10001 10001 01111 00001 00010 01100",
    ":": "00000 01100 01100 00000 01100 01100 00000",
}


def _glyph_rows(ch):
    if ch == "#":
        return [0b11111] * GLYPH_H
    if ch == " ":
        return [0] * GLYPH_H
    if ch in DIGITS:
        return [int(r, 2) for r in DIGITS[ch].split()]
    # Any other printable ASCII: a fixed pseudo-random pattern, so that
    # different letters look different (the scroll test relies on it).
    seed, rows = ord(ch) * 2654435761 & 0xffffffff, []
    for _ in range(GLYPH_H):
        seed = (seed * 1103515245 + 12345) & 0x7fffffff
        rows.append((seed >> 16) & 0b11111 or 0b10001)
    return rows


def write_test_font(path):
    """Write a BDF font of FONT_PX pixels covering printable ASCII."""
    chars = [chr(c) for c in range(32, 127)]
    out = [
        "STARTFONT 2.1",
        "FONT -tafel-test-medium-r-normal--%d-%d-75-75-c-60-iso10646-1"
        % (FONT_PX, FONT_PX * 10),
        "SIZE %d 75 75" % FONT_PX,
        "FONTBOUNDINGBOX %d %d 0 %d" % (GLYPH_W, FONT_PX,
                                         FONT_ASCENT - FONT_PX),
        "STARTPROPERTIES 3",
        "PIXEL_SIZE %d" % FONT_PX,
        "FONT_ASCENT %d" % FONT_ASCENT,
        "FONT_DESCENT %d" % (FONT_PX - FONT_ASCENT),
        "ENDPROPERTIES",
        "CHARS %d" % len(chars),
    ]
    for ch in chars:
        adv = GLYPH_W if ch == "#" else ADVANCE
        out += ["STARTCHAR U+%04X" % ord(ch), "ENCODING %d" % ord(ch),
                "SWIDTH %d 0" % (adv * 1000 // FONT_PX),
                "DWIDTH %d 0" % adv,
                "BBX %d %d 0 0" % (GLYPH_W, GLYPH_H), "BITMAP"]
        out += ["%02X" % (r << 3) for r in _glyph_rows(ch)]
        out.append("ENDCHAR")
    out.append("ENDFONT")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def text(txt, **kw):
    w = {"type": "text", "text": txt, "font": "t"}
    w.update(kw)
    return w


def region(name, x, y, w, h, widgets=None, **kw):
    r = {"name": name, "x": x, "y": y, "w": w, "h": h}
    if widgets is not None:
        r["widgets"] = widgets
    r.update(kw)
    return r


def layout(w, h, regions, background="#000000", own_builtins=True):
    """A layout with the test font "t".  Unless own_builtins is False the
    built-in names small, medium and large are pointed at the test font too,
    so the cases never depend on the shipped fonts' design."""
    fonts = [{"name": "t", "file": "t.bdf", "size": FONT_PX}]
    if own_builtins:
        fonts += [{"name": n, "file": "t.bdf", "size": FONT_PX}
                  for n in ("small", "medium", "large")]
    return {"width": w, "height": h, "background": background,
            "fonts": fonts, "regions": regions}


class Case:
    """One test case's temporary folder and the daemons it started."""

    def __init__(self, name):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="tafel-it-%s-" % name)
        self.daemons = []
        write_test_font(self.path("t.bdf"))

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def write(self, name, obj):
        """Write obj as JSON (or a str as is); return the absolute path.
        Written to a temp file and renamed, as an editor would, so that a
        daemon never reads half a file."""
        p = self.path(name)
        tmp = p + ".part"
        with open(tmp, "w") as f:
            f.write(obj if isinstance(obj, str) else json.dumps(obj, indent=1))
        os.rename(tmp, p)
        return p

    def config(self, name="conf.json", layout_file="layout.json", w=48,
               h=16, display=None, **top):
        c = {"layout": layout_file, "fonts_dir": REPO_FONTS,
             "state_dir": self.dir, "timezone": "Europe/Zurich",
             "log_level": "info",
             "display": {"system": "dummy", "width": w, "height": h},
             # Any free port: cases run side by side with a real sign.
             "http": {"listen": ["127.0.0.1:0"]}}
        c["display"].update(display or {})
        c.update(top)
        return self.write(name, c)

    def tafeld(self, *args, cwd=None):
        """Run tafeld to completion: (exit code, stdout, stderr)."""
        p = subprocess.run([TAFELD] + list(args), cwd=cwd or self.dir,
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=RUN_TIMEOUT_S)
        return p.returncode, p.stdout, p.stderr

    def once(self, conf, now=None, out="once.png"):
        args = ["--once", "--snapshot", self.path(out), "-c", conf]
        if now is not None:
            args += ["--now", now]
        rc, _, err = self.tafeld(*args)
        check(rc == 0, "--once exited %d: %s" % (rc, err.strip()))
        return read_png(self.path(out))

    def start(self, conf, cwd=None, env=None):
        d = Daemon(self, conf, cwd or self.dir, env)
        self.daemons.append(d)
        d.wait_log(r"^<5>tafeld \S+: showing ", START_TIMEOUT_S)
        return d

    def cleanup(self):
        for d in self.daemons:
            d.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class Daemon:
    def __init__(self, case, conf, cwd, env=None):
        self.case = case
        self.logpath = case.path("tafeld-%d.log" % len(case.daemons))
        self.logfile = open(self.logpath, "w")
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen([TAFELD, "-c", conf], cwd=cwd,
                                     env=full_env,
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=self.logfile)
        self.pid = self.proc.pid

    def log(self):
        with open(self.logpath) as f:
            return f.read()

    def lines(self):
        return self.log().splitlines()

    def wait_log(self, pattern, timeout=WAIT_S, after=0):
        """Wait for a log line matching the regex, among lines[after:];
        return (its index, the match)."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        while True:
            lines = self.lines()
            for i in range(after, len(lines)):
                m = rx.search(lines[i])
                if m:
                    return i, m
            if self.proc.poll() is not None:
                raise Fail("tafeld exited %d while waiting for /%s/; log:\n%s"
                           % (self.proc.returncode, pattern, self.log()))
            if time.monotonic() > end:
                raise Fail("no log line /%s/ within %gs; log:\n%s"
                           % (pattern, timeout, self.log()))
            time.sleep(0.02)

    def send(self, sig):
        check(self.proc.poll() is None,
              "tafeld died (exit %s); log:\n%s"
              % (self.proc.returncode, self.log()))
        os.kill(self.pid, sig)

    def usr1(self):
        """SIGUSR1, wait for "snapshot written to PATH", read PATH."""
        n = len(self.lines())
        self.send(signal.SIGUSR1)
        _, m = self.wait_log(r"^<6>snapshot written to (.+)$", after=n)
        return m.group(1), read_png(m.group(1))

    def hup(self):
        """SIGHUP; return the index of the first log line it produced."""
        n = len(self.lines())
        self.send(signal.SIGHUP)
        return n

    def stop(self, sig=signal.SIGTERM):
        """Send sig and return the exit code (Fail if it does not exit)."""
        self.send(sig)
        try:
            return self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise Fail("tafeld still running %ds after signal %d"
                       % (STOP_TIMEOUT_S, sig))

    def cpu_ticks(self):
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    def wakeups(self):
        """Context switches of all the process's threads so far: a loop
        that sleeps until something changes adds none."""
        n = 0
        for tid in os.listdir("/proc/%d/task" % self.pid):
            try:
                with open("/proc/%d/task/%s/status" % (self.pid, tid)) as f:
                    for line in f:
                        if line.startswith(("voluntary_ctxt_switches",
                                            "nonvoluntary_ctxt_switches")):
                            n += int(line.split()[1])
            except FileNotFoundError:
                pass
        return n

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                pass
        self.logfile.close()


def wait_for(cond, timeout=WAIT_S, what="condition"):
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > end:
            raise Fail("%s not met within %gs" % (what, timeout))
        time.sleep(0.02)


def inode(path):
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def errors(stderr):
    """The error lines of a log, without their <3> prefix."""
    return [l[3:] for l in stderr.splitlines() if l.startswith("<3>")]


def expect_error(stderr, *parts):
    """Some <3> line contains every string in parts."""
    for line in errors(stderr):
        if all(p in line for p in parts):
            return
    raise Fail("no error line with %s in:\n%s"
               % (" and ".join(repr(p) for p in parts), stderr.strip()))


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


RED, GREEN, BLUE = "#FF0000", "#00FF00", "#3050FF"
BOARD_BG = "#101010"


def two_blocks(c, name="layout.json", left=RED, right=GREEN, bg=BOARD_BG):
    """48x16: a '#' block top-left in left, and one right-aligned at the
    bottom-right in right (None leaves that widget out)."""
    ws_l = [text("#", color=left, valign="top")] if left else []
    ws_r = [text("#", color=right, align="right", valign="bottom")] \
        if right else []
    regions = [region("l", 0, 0, 24, 16, ws_l or [text("")]),
               region("r", 24, 0, 24, 16, ws_r or [text("")])]
    return c.write(name, layout(48, 16, regions, background=bg))


def block_at(img, colour, box, where):
    """The ink of colour inside box is one solid 5x7 block; return its
    bounding box."""
    ink = img.ink(rgb(BOARD_BG), box)
    check(ink, "%s: no text drawn in %s" % (where, box))
    bad = {c for c in ink.values() if c != rgb(colour)}
    check(not bad, "%s: text pixels %s, want only %s" % (where, bad, colour))
    b = bbox(ink)
    check(len(ink) == GLYPH_W * GLYPH_H and
          (b[2] - b[0] + 1, b[3] - b[1] + 1) == (GLYPH_W, GLYPH_H),
          "%s: %d pixels in %s, want one solid %dx%d block"
          % (where, len(ink), b, GLYPH_W, GLYPH_H))
    return b


@case
def test_check_good_config(c):
    two_blocks(c)
    conf = c.config(display={"snapshot_file": "board.png"})
    rc, out, err = c.tafeld("-n", "-c", conf)
    check(rc == 0, "exit %d, want 0; stderr: %s" % (rc, err.strip()))
    check(out == "configuration OK\n", "stdout %r" % out)
    check(not errors(err), "errors logged: %s" % err.strip())
    check(not os.path.exists(c.path("board.png")),
          "-n wrote the snapshot file: it must not start the board")


@case
def test_check_reports_every_mistake(c):
    lay = layout(48, 16, [region("a", 0, 0, 48, 16,
                                 [text("12", font="nope")])])
    lpath = c.write("layout.json", lay)
    conf = c.config(display={"fps": 500, "frames": 5})
    rc, out, err = c.tafeld("-n", "-c", conf)
    check(rc == 1, "exit %d, want 1" % rc)
    check("configuration OK" not in out, "stdout %r" % out)
    expect_error(err, conf + ": display.fps: 500 not in 1..120")
    expect_error(err, conf + ": display.frames: unknown key")
    expect_error(err, lpath + ": regions[0].widgets[0].font: "
                 'unknown font "nope"')


@case
def test_check_rejects_unreadable_input(c):
    missing = c.path("absent.json")
    rc, out, err = c.tafeld("-n", "-c", missing)
    check(rc == 1 and out == "", "missing config: exit %d, stdout %r"
          % (rc, out))
    expect_error(err, missing, "No such file")

    two_blocks(c)
    bad = c.write("bad.json", '{\n  "layout": "layout.json",\n'
                  '  "display": { "system": "dummy",, "width": 48 }\n}\n')
    rc, out, err = c.tafeld("-n", "-c", bad)
    check(rc == 1 and out == "", "invalid JSON: exit %d, stdout %r"
          % (rc, out))
    # The stray comma is on line 3, column 34 (1-based).
    expect_error(err, bad + ":3:", "invalid JSON")
    m = re.search(re.escape(bad) + r":(\d+):(\d+):", err)
    check(m and (m.group(1), m.group(2)) == ("3", "34"),
          "invalid JSON: line:col %s, want 3:34: %s"
          % (m and m.group(0), err.strip()))

    conf = c.config(name="nolayout.json", layout_file="gone.json")
    rc, out, err = c.tafeld("-n", "-c", conf)
    check(rc == 1 and out == "", "missing layout: exit %d, stdout %r"
          % (rc, out))
    expect_error(err, c.path("gone.json"), "No such file")


@case
def test_check_rejects_each_bad_input(c):
    """One mistake at a time: each is an error naming file and path."""
    good_regions = [region("a", 0, 0, 48, 16, [text("12")])]
    cases = [
        # (what, config changes, layout or None, file, expected text)
        ("wrong type", {"display": {"fps": "60"}}, None, "conf",
         "display.fps: expected integer, got string"),
        ("fraction", {"display": {"fps": 2.5}}, None, "conf",
         "display.fps: 2.5 is not a whole number"),
        ("bad enum", {"log_level": "loud"}, None, "conf",
         'log_level: "loud" is not one of'),
        ("unknown top key", {"colour": 1}, None, "conf",
         "colour: unknown key"),
        ("no layout", {"layout": None}, None, "conf", "layout: required"),
        ("bad timezone", {"timezone": "Mars/Olympus"}, None, "conf",
         'timezone: unknown time zone "Mars/Olympus"'),
        ("size mismatch", {"display": {"width": 64}}, None, "layout",
         "layout is 48x16 but display is 64x16"),
        ("region outside", {}, [region("a", 40, 0, 16, 16, [text("1")])],
         "layout", 'regions[0]: region "a" 40,0 16x16 outside the board'),
        ("widget outside", {},
         [region("a", 0, 0, 48, 16, [text("1", x=40, w=16)])], "layout",
         "regions[0].widgets[0]: widget 40,0 16x16 outside its region"),
        ("bad colour", {}, [region("a", 0, 0, 48, 16,
                                   [text("1", color="red")])], "layout",
         'regions[0].widgets[0].color: "red" is not a colour'),
        ("unknown widget key", {}, [region("a", 0, 0, 48, 16,
                                           [text("1", colour="#FFFFFF")])],
         "layout", "regions[0].widgets[0].colour: unknown key"),
        ("widgets and pages", {},
         [region("a", 0, 0, 48, 16, [text("1")],
                 pages=[{"widgets": [text("2")]}])],
         "layout", "regions[0]: give either widgets or pages"),
        ("missing font file", {},
         None, "layout", 'fonts[0].file: cannot read "missing.bdf"'),
        ("font size not its PIXEL_SIZE", {}, None, "layout",
         'font "t"'),
        ("duplicate region", {}, [region("a", 0, 0, 8, 8, [text("1")]),
                                  region("a", 8, 0, 8, 8, [text("2")])],
         "layout", 'regions[1].name: "a" already used'),
        ("page too short", {}, [region("a", 0, 0, 48, 16, pages=[
            {"duration_ms": 50, "widgets": [text("1")]}])], "layout",
         "regions[0].pages[0].duration_ms: 50 not in 100..3600000"),
        ("image without file", {}, [region("a", 0, 0, 48, 16,
                                           [{"type": "image"}])], "layout",
         "regions[0].widgets[0].file: required for an image widget"),
    ]
    problems = []
    for i, (what, changes, regions, which, want) in enumerate(cases):
        lay = layout(48, 16, regions or good_regions)
        if what == "missing font file":
            lay["fonts"][0]["file"] = "missing.bdf"
        if what == "font size not its PIXEL_SIZE":
            lay["fonts"][0]["size"] = FONT_PX + 4
        lname = "layout%d.json" % i
        lpath = c.write(lname, lay)
        disp = changes.get("display", {})
        top = {k: v for k, v in changes.items() if k != "display"}
        conf = c.config(name="conf%d.json" % i, layout_file=lname,
                        display=disp, **top)
        if top.get("layout", "") is None:
            cfg = json.load(open(conf))
            del cfg["layout"]
            c.write("conf%d.json" % i, cfg)
        rc, out, err = c.tafeld("-n", "-c", conf)
        prefix = (conf if which == "conf" else lpath) + ": "
        if rc != 1 or out:
            problems.append("%s: exit %d, stdout %r" % (what, rc, out))
        elif not any(l.startswith(prefix) and want in l
                     for l in errors(err)):
            problems.append("%s: no error %r%s…; got %s"
                            % (what, prefix, want, errors(err)))
    check(not problems, "\n  ".join([""] + problems))


@case
def test_once_renders_text_where_the_layout_says(c):
    # Region "r" has its own background: the text sits on it.
    lay = layout(48, 16, [
        region("l", 0, 0, 24, 16, [text("#", color=RED, valign="top")]),
        region("r", 24, 0, 24, 16,
               [text("#", color=GREEN, align="right", valign="bottom")],
               background=BLUE),
    ], background=BOARD_BG)
    c.write("layout.json", lay)
    img = c.once(c.config())
    check((img.w, img.h) == (48, 16), "PNG is %dx%d, want 48x16"
          % (img.w, img.h))
    left = block_at(img, RED, (0, 0, 24, 16), "left widget")
    check(left[:2] == (0, 0), "left/top text starts at %s, want 0,0"
          % (left[:2],))
    # Region r: everything that is not the green text is its background.
    ink = img.ink(rgb(BLUE), (24, 0, 48, 16))
    check(set(ink.values()) == {rgb(GREEN)} and
          len(ink) == GLYPH_W * GLYPH_H,
          "region r: %s besides its background" % img.colours((24, 0, 48, 16)))
    b = bbox(ink)
    check(b[2] == 47, "right-aligned text ends at x=%d, want 47" % b[2])
    # valign bottom: the glyph sits on the baseline, the descent below it.
    check(b[3] == 16 - 1 - (FONT_PX - FONT_ASCENT),
          "bottom-aligned text ends at y=%d, want %d"
          % (b[3], 16 - 1 - (FONT_PX - FONT_ASCENT)))
    rest = img.ink(rgb(BOARD_BG), (0, 0, 24, 16))
    check(len(rest) == GLYPH_W * GLYPH_H,
          "left region: %d non-background pixels" % len(rest))


@case
def test_once_centres_and_clips(c):
    lay = layout(48, 16, [
        # Centred "##" (10 px) in a 40 px widget at x=4: starts at 4+15.
        region("c", 0, 0, 48, 8, [text("##", color=RED, align="center",
                                        valign="top", x=4, w=40)]),
        # Five blocks (25 px) clipped to a 12 px widget; too wide text
        # shows its start even when right-aligned.
        region("k", 0, 8, 24, 8, [text("#####", color=GREEN, w=12,
                                        valign="top")]),
        region("m", 24, 8, 24, 8, [text("#####", color=GREEN, w=12, x=4,
                                         align="right", valign="top")]),
    ], background=BOARD_BG)
    c.write("layout.json", lay)
    img = c.once(c.config())
    ink = img.ink(rgb(BOARD_BG), (0, 0, 48, 8))
    check(ink and bbox(ink)[0] == 19 and bbox(ink)[2] == 28,
          "centred text spans x=%s, want 19..28"
          % ((bbox(ink)[::2] if ink else None),))
    ink = img.ink(rgb(BOARD_BG), (0, 8, 24, 16))
    check(ink and bbox(ink)[0] == 0 and bbox(ink)[2] == 11,
          "clipped text spans x=%s, want 0..11 (widget w=12)"
          % ((bbox(ink)[::2] if ink else None),))
    ink = img.ink(rgb(BOARD_BG), (24, 8, 48, 16))
    check(ink and bbox(ink)[0] == 28 and bbox(ink)[2] == 39,
          "too wide right-aligned text spans x=%s, want 28..39"
          % ((bbox(ink)[::2] if ink else None),))


@case
def test_once_clock_is_deterministic(c):
    lay = layout(48, 16, [region("k", 0, 0, 48, 16, [
        {"type": "clock", "format": "%H:%M", "font": "t", "color": RED,
         "valign": "top", "x": 2}])], background=BOARD_BG)
    c.write("layout.json", lay)
    conf = c.config()
    a = c.once(conf, "2026-11-29T08:15:00+01:00", "a.png")
    b = c.once(conf, "2026-11-29T08:15:00+01:00", "b.png")
    utc = c.once(conf, "2026-11-29T07:15:59Z", "utc.png")
    local = c.once(conf, "2026-11-29T08:15:30", "local.png")
    later = c.once(conf, "2026-11-29T08:16:00+01:00", "later.png")
    ink = a.ink(rgb(BOARD_BG))
    check(ink and set(ink.values()) == {rgb(RED)},
          "clock: colours %s" % a.colours())
    # "08:15" is five glyphs of 6 px from x=2; the last ends at 2+4*6+4.
    bx = bbox(ink)
    check(bx[0] == 2 and bx[2] == 2 + 4 * ADVANCE + GLYPH_W - 1,
          "clock spans x=%d..%d, want 2..%d (five glyphs)"
          % (bx[0], bx[2], 2 + 4 * ADVANCE + GLYPH_W - 1))
    check(a.rows == b.rows, "the same --now rendered differently")
    check(a.rows == utc.rows, "07:15Z and 08:15+01:00 (Europe/Zurich) "
          "rendered differently")
    check(a.rows == local.rows, "08:15 without a zone is not read as the "
          "config's timezone (Europe/Zurich, +01:00)")
    diff = {x for x, y, p in a.pixels() if later.at(x, y) != p}
    check(diff, "08:15 and 08:16 rendered the same")
    last = 2 + 4 * ADVANCE
    check(min(diff) >= last,
          "08:15 -> 08:16 changed x=%d, left of the last digit (x>=%d)"
          % (min(diff), last))
    rc, _, err = c.tafeld("--once", "--snapshot", c.path("x.png"), "-c",
                          conf, "--now", "yesterday")
    check(rc == 1, "--now yesterday: exit %d, want 1" % rc)
    expect_error(err, '--now: "yesterday"')


@case
def test_daemon_reload_good_then_bad(c):
    lpath = two_blocks(c, "a.json", left=RED, right=None)
    conf = c.config(layout_file="a.json")
    d = c.start(conf)
    check(re.search(r"^<5>tafeld \S+: showing %s on 48x16 \(DirectFB "
                    r"dummy\)$" % re.escape(lpath), d.log(), re.M),
          "start notice: %r" % d.lines()[:3])
    path, img = d.usr1()
    check(path == c.path("snapshot.png"),
          "SIGUSR1 wrote %s, want <state_dir>/snapshot.png" % path)
    check((img.w, img.h) == (48, 16), "snapshot %dx%d" % (img.w, img.h))
    block_at(img, RED, (0, 0, 24, 16), "first layout")
    check(not img.ink(rgb(BOARD_BG), (24, 0, 48, 16)),
          "first layout: ink on the right half")

    # A different good config and layout on disk, then SIGHUP.
    lpath_b = two_blocks(c, "b.json", left=None, right=GREEN)
    c.config(layout_file="b.json")
    n = d.hup()
    d.wait_log(r"^<5>reloaded: showing %s$" % re.escape(lpath_b), after=n)

    # The reload redraws on the next loop turn; poll a few snapshots.
    def shows_b():
        _, im = d.usr1()
        return im if (im.ink(rgb(BOARD_BG), (24, 0, 48, 16)) and
                      not im.ink(rgb(BOARD_BG), (0, 0, 24, 16))) else None
    img = wait_for(shows_b, what="snapshot shows the reloaded layout")
    block_at(img, GREEN, (24, 0, 48, 16), "reloaded layout")
    before = img.rows

    # A broken config: errors, "reload failed", still running the old one.
    c.config(layout_file="b.json", display={"fps": 500})
    n = d.hup()
    i, _ = d.wait_log(r"reload failed: keeping the running configuration",
                      after=n)
    new = "\n".join(d.lines()[n:i])
    expect_error(new, conf + ": display.fps: 500 not in 1..120")
    check(d.lines()[i].startswith("<3>"), "reload failed is not an error")
    check(d.proc.poll() is None, "tafeld exited after a bad reload")
    _, img = d.usr1()
    check(img.rows == before, "the board changed after a failed reload")

    # A good config whose layout is broken: the same.
    c.config(layout_file="b.json")
    lay = json.load(open(lpath_b))
    lay["regions"][1]["widgets"][0]["font"] = "nope"
    c.write("b.json", lay)
    n = d.hup()
    i, _ = d.wait_log(r"reload failed: keeping", after=n)
    expect_error("\n".join(d.lines()[n:i]),
                 lpath_b + ": regions[1].widgets[0].font: "
                 'unknown font "nope"')
    _, img = d.usr1()
    check(img.rows == before, "the board changed after a failed reload")

    rc = d.stop(signal.SIGTERM)
    check(rc == 0, "SIGTERM: exit %d, want 0" % rc)
    check(re.search(r"^<5>signal 15: stopping$", d.log(), re.M),
          "no 'signal 15: stopping' notice")


@case
def test_daemon_reload_refuses_display_change(c):
    two_blocks(c)
    conf = c.config()
    d = c.start(conf)
    _, before = d.usr1()
    lay = json.load(open(c.path("layout.json")))
    lay["width"] = 64
    c.write("wide.json", lay)
    c.config(layout_file="wide.json", w=64)
    n = d.hup()
    i, _ = d.wait_log(r"reload failed: keeping", after=n)
    expect_error("\n".join(d.lines()[n:i]), "restart tafeld")
    _, img = d.usr1()
    check((img.w, img.h) == (48, 16) and img.rows == before.rows,
          "the board changed after a refused reload")
    os.unlink(conf)
    n = d.hup()
    i, _ = d.wait_log(r"reload failed: keeping", after=n)
    expect_error("\n".join(d.lines()[n:i]), conf, "No such file")
    _, img = d.usr1()
    check(img.rows == before.rows, "the board changed after a reload "
          "without a config file")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_static_board_idles_and_ticker_moves(c):
    two_blocks(c)
    conf = c.config(display={"snapshot_file": "board.png",
                             "snapshot_interval_s": 1})
    d = c.start(conf)
    board = c.path("board.png")
    wait_for(lambda: inode(board), what="first snapshot_file")
    first = inode(board)
    time.sleep(0.3)
    t0, w0 = d.cpu_ticks(), d.wakeups()
    time.sleep(1.5)
    used, woke = d.cpu_ticks() - t0, d.wakeups() - w0
    check(used <= 2, "static board: %d clock ticks of CPU in 1.5 s "
          "(1 tick = %g ms)" % (used, 1000 / os.sysconf("SC_CLK_TCK")))
    check(woke <= 3, "static board: %d context switches in 1.5 s, the "
          "loop should sleep" % woke)
    check(inode(board) == first,
          "static board: snapshot_file rewritten although nothing changed")
    check(d.stop() == 0, "SIGTERM: exit code not 0")

    # A ticker on the top row (scrolls) and a static block below.
    msg = "Zug 17 Bern ab 08:42 Gleis 3"
    lay = layout(64, 16, [
        region("tick", 0, 0, 64, 8, [text(msg, color=RED, valign="top",
                                          overflow="scroll",
                                          scroll_speed=40, scroll_gap=32)]),
        region("still", 0, 8, 64, 8, [text("#", color=GREEN,
                                           valign="top")]),
    ], background=BOARD_BG)
    c.write("ticker.json", lay)
    d = c.start(c.config(name="ticker-conf.json", layout_file="ticker.json",
                         w=64))
    time.sleep(0.2)
    # The control for the idle check above: a ticker does wake up.
    w0 = d.wakeups()
    _, a = d.usr1()
    time.sleep(0.5)
    _, b = d.usr1()
    check(d.wakeups() - w0 > 20, "ticker: only %d context switches in "
          "0.5 s" % (d.wakeups() - w0))
    check(a.rows[8:] == b.rows[8:], "the static row changed")
    check(a.rows[:8] != b.rows[:8], "the ticker did not move in 0.5 s")
    # b is a shifted left by dx pixels: b[x] == a[x + dx].
    found = None
    for dx in range(1, 64 - 16):
        same = all(b.column(x, 0, 8) == a.column(x + dx, 0, 8)
                   for x in range(0, 64 - dx))
        if same and len(a.ink(rgb(BOARD_BG), (dx, 0, 64, 8))) > 20:
            found = dx
            break
    # 40 px/s for ~0.5 s (plus signal latency): about 20 px.
    check(found is not None and 8 <= found <= 40,
          "ticker: second snapshot is not the first moved left by 8..40 "
          "px (found %s)" % found)
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_sigint_and_periodic_snapshot_file(c):
    # A seconds clock changes every second, so the periodic snapshot_file
    # must be rewritten; the path is relative to the config file, and the
    # daemon runs from another folder to prove it.
    lay = layout(48, 16, [region("k", 0, 0, 48, 16, [
        {"type": "clock", "format": "%H:%M:%S", "font": "t", "color": RED}
    ])], background=BOARD_BG)
    c.write("layout.json", lay)
    conf = c.config(display={"snapshot_file": "board.png",
                             "snapshot_interval_s": 1})
    t0 = time.monotonic()
    d = c.start(conf, cwd="/")
    board = c.path("board.png")
    first = wait_for(lambda: inode(board), timeout=2,
                     what="snapshot_file written within 2 s of start")
    check(time.monotonic() - t0 < 2.5, "first snapshot_file too late")
    img = read_png(board)
    check((img.w, img.h) == (48, 16), "snapshot_file %dx%d" % (img.w, img.h))
    check(img.ink(rgb(BOARD_BG)), "snapshot_file shows no clock")
    wait_for(lambda: inode(board) not in (None, first), timeout=2.5,
             what="snapshot_file rewritten while the clock ticks")
    check(read_png(board).rows != img.rows,
          "snapshot_file rewritten with the same picture")
    check(not os.path.exists(board + ".tmp"), "temporary file left over")
    rc = d.stop(signal.SIGINT)
    check(rc == 0, "SIGINT: exit %d, want 0" % rc)
    check(re.search(r"^<5>signal 2: stopping$", d.log(), re.M),
          "no 'signal 2: stopping' notice")


@case
def test_once_draws_an_image(c):
    pix = [[(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)],
           [(255, 255, 0), (0, 255, 255), (255, 0, 255), (1, 2, 3)]]
    write_png(c.path("logo.png"), pix)
    lay = layout(48, 16, [region("i", 8, 4, 40, 12, [
        {"type": "image", "file": "logo.png", "x": 2, "y": 1,
         "valign": "top"}])], background=BOARD_BG)
    c.write("layout.json", lay)
    img = c.once(c.config())
    got = [[img.at(10 + x, 5 + y) for x in range(4)] for y in range(2)]
    check(got == pix, "image at 10,5: %s, want %s" % (got, pix))
    check(len(img.ink(rgb(BOARD_BG))) == 8,
          "%d pixels besides the image's 8" % len(img.ink(rgb(BOARD_BG))))

    c.write("junk.png", "not a PNG\n")
    lay["regions"][0]["widgets"][0]["file"] = "junk.png"
    lpath = c.write("layout.json", lay)
    rc, _, err = c.tafeld("-n", "-c", c.path("conf.json"))
    check(rc == 1, "-n with a broken image: exit %d, want 1" % rc)
    expect_error(err, lpath, "junk.png")


@case
def test_once_transparent_image_pixels_leave_the_board_dark(c):
    # A logo whose surroundings are transparent white, as image editors
    # export them, over a black board: those LEDs must stay off.
    pix = [[(255, 255, 255, 0), (255, 0, 0, 255), (200, 100, 50, 0)]]
    write_png(c.path("logo.png"), pix, alpha=True)
    lay = layout(48, 16, [region("i", 0, 0, 48, 16, [
        {"type": "image", "file": "logo.png", "valign": "top"}])],
        background="#000000")
    c.write("layout.json", lay)
    img = c.once(c.config())
    got = [img.at(x, 0) for x in range(3)]
    check(got == [(0, 0, 0), (255, 0, 0), (0, 0, 0)],
          "pixels with alpha 0 drawn as %s, want (0, 0, 0) (opaque red "
          "between them)" % got)


@case
def test_daemon_turns_pages(c):
    lay = layout(48, 16, [region("p", 0, 0, 48, 16, pages=[
        {"duration_ms": 400, "widgets": [text("#", color=RED)]},
        {"duration_ms": 400, "widgets": [text("#", color=GREEN,
                                              align="right")]}])],
        background=BOARD_BG)
    c.write("layout.json", lay)
    d = c.start(c.config())
    seen = set()
    end = time.monotonic() + 2.5
    while time.monotonic() < end and len(seen) < 2:
        _, img = d.usr1()
        colours = set(img.ink(rgb(BOARD_BG)).values())
        check(colours in ({rgb(RED)}, {rgb(GREEN)}),
              "page shows %s, want one page's colour" % colours)
        seen |= colours
        time.sleep(0.1)
    check(seen == {rgb(RED), rgb(GREEN)},
          "in 2.5 s only saw %s of two 400 ms pages" % seen)
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_builtin_small_font(c):
    """The shipped fonts (fails until fonts/tafel-*.bdf exist)."""
    for f in ("tafel-small.bdf", "tafel-medium.bdf", "tafel-large.bdf"):
        check(os.path.exists(os.path.join(REPO_FONTS, f)),
              "%s is missing (the shipped fonts are not there yet)" % f)
    lay = layout(48, 16, [region("a", 0, 0, 48, 16, [
        {"type": "text", "text": "P 212", "font": "small", "color": RED}
    ])], background=BOARD_BG, own_builtins=False)
    lay["fonts"] = []
    c.write("layout.json", lay)
    conf = c.config()
    rc, out, err = c.tafeld("-n", "-c", conf)
    check(rc == 0, "-n: exit %d: %s" % (rc, err.strip()))
    img = c.once(conf)
    ink = img.ink(rgb(BOARD_BG))
    check(ink and set(ink.values()) == {rgb(RED)},
          "small font: colours %s" % img.colours())
    b = bbox(ink)
    check(b[3] - b[1] + 1 <= 10, "small font: text %d px high, more than "
          "its 10 px" % (b[3] - b[1] + 1))


@case
def test_systemd_notify_ready_status_watchdog_reload_stop(c):
    """The sd_notify protocol, read from a real NOTIFY_SOCKET: READY=1 and a
    STATUS line once up, WATCHDOG=1 at half the interval, RELOADING=1 then
    READY=1 on SIGHUP, STOPPING=1 on SIGTERM."""
    import socket
    path = c.path("notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.05)
    try:
        c.write("layout.json",
                layout(64, 16, [region("a", 0, 0, 64, 16, [text("Hi")])]))
        conf = c.config(w=64, h=16)
        d = c.start(conf, env={"NOTIFY_SOCKET": path,
                               "WATCHDOG_USEC": "400000"})
        msgs = []

        def drain(seconds):
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                try:
                    msgs.extend(sock.recv(4096).decode().split("\n"))
                except socket.timeout:
                    pass
        drain(1.2)
        check("READY=1" in msgs, "no READY=1 in %r" % msgs[:10])
        check(any(re.match(r"^STATUS=pass: 0/0 feeds fresh, 0 messages, "
                           r"\d+ fps$", m) for m in msgs),
              "no STATUS=pass: … in %r" % msgs[:10])
        pings = msgs.count("WATCHDOG=1")
        # 400 ms interval, pinged every 200 ms: about 6 in 1.2 s.
        check(4 <= pings <= 9, "%d WATCHDOG=1 pings in 1.2 s" % pings)
        # Regression: the first check ran before the first frame and
        # logged a stuck renderer at every start.
        check("rendering is stuck" not in d.log(),
              "watchdog warning at start: %s" % d.log())
        del msgs[:]
        d.hup()
        d.wait_log(r"^<5>reloaded: ")
        drain(0.3)
        check("RELOADING=1" in msgs and "READY=1" in msgs and
              msgs.index("RELOADING=1") < msgs.index("READY=1"),
              "reload sent %r" % msgs)
        del msgs[:]
        check(d.stop() == 0, "SIGTERM: non-zero exit")
        drain(0.2)
        check("STOPPING=1" in msgs, "no STOPPING=1 in %r" % msgs)
    finally:
        sock.close()


# ---------------------------------------------------------------------------

def set_tafeld(path):
    global TAFELD
    TAFELD = path


def main_for(cases, argv, binary_desc="path/to/tafeld", set_binary=set_tafeld,
             case_class=None, setup=None):
    """The case runner of every integration test script.

    argv is sys.argv: argv[1] is the binary under test (binary_desc names
    it in the usage line), made absolute and handed to set_binary (by
    default it becomes TAFELD here); any further arguments select cases by
    name, with or without "test_".  setup() runs once before the cases.
    Each case gets a fresh case_class(name) (default Case), cleaned up even
    when the case fails.  A case prints "ok NAME", with " (NOTE)" when it
    returns a NOTE; "skip NAME: reason" when it raises Skip (not counted);
    "FAIL NAME: reason" otherwise.  The last line is "N passed, N failed".
    Returns the exit code: 0 all passed, 1 any failed, 2 usage error."""
    if len(argv) < 2:
        print("usage: %s %s [CASE...]" % (argv[0], binary_desc),
              file=sys.stderr)
        return 2
    binary = os.path.abspath(argv[1])
    set_binary(binary)
    if not os.access(binary, os.X_OK):
        print("%s: not an executable" % binary, file=sys.stderr)
        return 2
    wanted = set(argv[2:])
    if setup is not None:
        setup()
    case_class = case_class or Case
    passed = failed = 0
    for fn in cases:
        name = fn.__name__[len("test_"):]
        if wanted and name not in wanted and fn.__name__ not in wanted:
            continue
        c = case_class(name)
        try:
            note = fn(c)
            print("ok %s%s" % (name, " (%s)" % note if note else ""))
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


def png_self_check_in_tmp():
    selfdir = tempfile.mkdtemp(prefix="tafel-it-")
    try:
        png_self_check(selfdir)
    finally:
        shutil.rmtree(selfdir, ignore_errors=True)


def main(argv):
    return main_for(CASES, argv, setup=png_self_check_in_tmp)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
