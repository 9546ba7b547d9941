#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tafel authors
"""Integration tests of the operator message API: the real tafeld serving
/api/v1/messages, /api/v1/presets, /api/v1/validate on a free port of
127.0.0.1, checked through its answers, /api/v1/display, /health, its log
and the store in its state folder.

    python3 tests/integration/api.py build/tafeld [CASE...]

The harness is run.py's (Case, Daemon, the test font: every glyph advances
6 px, so a text of n characters is 6n - 1 px wide) with monitor.py's HTTP
client and feeds.py's fixture feed server for the fail-safe case.  Every
case has its own temporary folder, tokens file and tafeld; every wait is
bounded and everything started is stopped at the end of its case.  The
last line is "N passed, N failed"; the exit code is 1 when anything failed.

What the board shows is read from /api/v1/display: a region replaced by a
message carries one widget {"type": "message", "text", "value": id}, and
the region is called "board" when a message takes the whole board.  Waits
poll until the expected state appears (or a bound passes); the expiry case
also checks that a message does not vanish early.

kill9_during_writes SIGKILLs the daemon at random moments, at least
KILL_ROUNDS times, while a client thread keeps writing; its seed is printed
on failure, and the environment variable KILL_SEED replays a run.
"""

import http.client
import json
import os
import random
import re
import signal
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as h  # noqa: E402  (the harness of the other integration tests)
import feeds as fd  # noqa: E402  (the feed server, the park board)
import monitor as mon  # noqa: E402  (the HTTP client)
from run import Fail, check  # noqa: E402

OPERATOR = "alice"
OP_TOKEN = "op-7f3a9c1e5b2d4f60"           # >= 16 characters
VIEWER = "vic"
VIEW_TOKEN = "view-0b9e8d7c6a5f4e3d"
OTHER_OP = "bob"
OTHER_TOKEN = "bob-token-2a4c6e8f0b1d"
WRONG_TOKEN = "not-a-token-at-all-0000"

ZONE_W = 48                                  # the "ticker" zone: 8 characters
ID_RX = re.compile(r"^[0-9A-Za-z_.-]{1,39}$")
ISO_RX = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

KILL_ROUNDS = 200          # SIGKILLs, each followed by a restart
KILL_MIN_S, KILL_MAX_S = 0.005, 0.2
KILL_BOUND_S = 120         # the whole kill loop; it normally takes ~35 s
KILL_LIVE_MAX = 250        # acknowledged messages kept in the store
KILL_HTTP_TIMEOUT_S = 3


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------

def write_tokens(c):
    c.write("tokens", "# name:token[:role]\n%s:%s\n%s:%s:viewer\n%s:%s:"
            "operator\n" % (OPERATOR, OP_TOKEN, VIEWER, VIEW_TOKEN,
                            OTHER_OP, OTHER_TOKEN))


def zone_layout(c, name="layout.json"):
    """64x16: "ticker" (the message zone, 48x8, own text TICK), "side"
    (16x8, S) and "below" (64x8, #)."""
    return c.write(name, h.layout(64, 16, [
        h.region("ticker", 0, 0, ZONE_W, 8,
                 [h.text("TICK", color=h.GREEN, valign="top")],
                 zone="ticker"),
        h.region("side", ZONE_W, 0, 64 - ZONE_W, 8,
                 [h.text("S", color=h.RED, valign="top")]),
        h.region("below", 0, 8, 64, 8,
                 [h.text("#", color=h.RED, valign="top")]),
    ], background=h.BOARD_BG))


def api_conf(c, name="conf.json", w=64, h_=16, http=None, messages=None,
             **top):
    """A config with the tokens file and no request rate limit (the cases
    poll; the limit has its own test in monitor.py)."""
    write_tokens(c)
    hc = {"listen": ["127.0.0.1:0"], "tokens_file": "tokens",
          "rate_per_s": 0}
    hc.update(http or {})
    if messages is not None:
        top["messages"] = messages
    return c.config(name=name, w=w, h=h_, http=hc, **top)


def msg(multi, priority=10, duration_s=600, **kw):
    m = {"multi": multi, "priority": priority}
    if duration_s is not None:
        m["duration_s"] = duration_s
    m.update(kw)
    return m


# ---------------------------------------------------------------------------
# The API client
# ---------------------------------------------------------------------------

class Api(mon.Client):
    """monitor.py's client (a connection per request, a timeout) plus the
    bearer token and JSON bodies."""

    def call(self, method, path, body=None, token=OP_TOKEN, headers=None):
        """(status, parsed JSON or None, raw body).  body: an object sent
        as JSON, bytes sent as they are, or None."""
        hd = {}
        if token is not None:
            hd["Authorization"] = "Bearer " + token
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
        if body is not None:
            hd["Content-Type"] = "application/json"
        hd.update(headers or {})
        status, hdrs, raw = self.request(method, path, body=body,
                                         headers=hd)
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = None
        if raw and status != 204:
            check(hdrs.get("content-type", "").startswith(
                "application/json"), "%s %s: HTTP %d with Content-Type "
                "%r: %r" % (method, path, status, hdrs.get("content-type"),
                             raw[:200]))
        return status, doc, raw

    def post(self, m, token=OP_TOKEN, want=201):
        """POST a message; its JSON (checked to be a message) when the
        answer is want."""
        status, doc, raw = self.call("POST", "/api/v1/messages", m, token)
        check(status == want, "POST %r: HTTP %d, want %d: %r"
              % ((m if isinstance(m, bytes) else json.dumps(m))[:200],
                 status, want, raw[:300]))
        if want == 201:
            check_message(doc, "POST answer")
        return doc

    def delete(self, mid, token=OP_TOKEN, want=200):
        status, doc, raw = self.call("DELETE", "/api/v1/messages/" + mid,
                                     token=token)
        check(status == want, "DELETE %s: HTTP %d, want %d: %r"
              % (mid, status, want, raw[:300]))
        return doc

    def messages(self, token=OP_TOKEN):
        status, doc, raw = self.call("GET", "/api/v1/messages", token=token)
        check(status == 200 and isinstance(doc, dict) and
              isinstance(doc.get("messages"), list),
              "GET /api/v1/messages: HTTP %d %r" % (status, raw[:300]))
        for m in doc["messages"]:
            check_message(m, "GET /api/v1/messages")
        return doc["messages"]

    def ids(self):
        return [m["id"] for m in self.messages()]

    def display(self):
        _, _, doc = self.json("/api/v1/display", want=(200,))
        return doc

    def wait_display(self, pred, what, timeout=h.WAIT_S, interval=0.02):
        """Poll /api/v1/display until pred(doc); return the doc."""
        end = time.monotonic() + timeout
        while True:
            doc = self.display()
            if pred(doc):
                return doc
            if time.monotonic() > end:
                raise Fail("%s: not within %gs; /api/v1/display: %s"
                           % (what, timeout, json.dumps(doc)))
            time.sleep(interval)


def check_message(m, where):
    check(isinstance(m, dict), "%s: %r is not an object" % (where, m))
    for k, t in (("id", str), ("multi", str), ("priority", int),
                 ("start", str), ("zone", str), ("source", str),
                 ("owner", str), ("created", str), ("active", bool)):
        check(isinstance(m.get(k), t), "%s: %s is %r, want a %s: %s"
              % (where, k, m.get(k), t.__name__, m))
    check(ID_RX.match(m["id"]), "%s: id %r" % (where, m["id"]))
    check(ISO_RX.match(m["start"]) and ISO_RX.match(m["created"]),
          "%s: start %r created %r" % (where, m["start"], m["created"]))
    check("end" in m and (m["end"] is None or ISO_RX.match(m["end"])),
          "%s: end %r" % (where, m.get("end")))


def region(doc, name):
    for r in doc.get("regions", []):
        if r.get("name") == name:
            return r
    return None


def region_names(doc):
    return [r.get("name") for r in doc.get("regions", [])]


def shown(doc, name):
    """(text, id) of the message region name shows, or None."""
    r = region(doc, name)
    if r is None:
        return None
    ws = [w for w in r.get("widgets", []) if w.get("type") == "message"]
    if not ws:
        return None
    check(len(ws) == 1 and len(r["widgets"]) == 1,
          "region %s shows a message among other widgets: %s"
          % (name, r["widgets"]))
    return ws[0].get("text"), ws[0].get("value")


def own_text(doc, name):
    """The texts of region name's own (text) widgets."""
    r = region(doc, name)
    return [w.get("text") for w in (r or {}).get("widgets", [])
            if w.get("type") == "text"]


def expect_error(res, status, code, field=None, where=""):
    """res = (status, doc, raw) of a refused request: the status, JSON
    {"error": {"code", "message"}}, and the message naming field."""
    got, doc, raw = res
    check(got == status, "%s: HTTP %d, want %d: %r"
          % (where, got, status, raw[:300]))
    try:
        e = doc["error"]
        ok = isinstance(e["code"], str) and isinstance(e["message"], str)
    except (TypeError, KeyError):
        ok = False
    check(ok, "%s: body %r is not {\"error\": {\"code\", \"message\"}}"
          % (where, raw[:300]))
    codes = code if isinstance(code, tuple) else (code,)
    check(e["code"] in codes, "%s: code %r, want %s (%s)"
          % (where, e["code"], " or ".join(map(repr, codes)), e["message"]))
    if field is not None:
        fields = field if isinstance(field, tuple) else (field,)
        check(any(e["message"].startswith(f + ":") for f in fields),
              "%s: message %r does not name the field %r"
              % (where, e["message"], field))
    return e


def start_api(c, conf):
    d = c.start(conf)
    return d, Api(d)


def audit_lines(d, after=0):
    return [l for l in d.lines()[after:] if l.startswith("<5>audit: ")]


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


@case
def test_auth(c):
    zone_layout(c)
    d, a = start_api(c, api_conf(c))
    body = msg("AUTH")
    p = "/api/v1/messages"
    expect_error(a.call("POST", p, body, token=None), 401, "unauthorized",
                 where="POST without a token")
    expect_error(a.call("POST", p, body, token=WRONG_TOKEN), 401,
                 "unauthorized", where="POST with a wrong token")
    expect_error(a.call("POST", p, body, token=OP_TOKEN[:-1]), 401,
                 "unauthorized", where="POST with a token one short")
    expect_error(a.call("POST", p, body, token=None, headers={
        "Authorization": "Basic " + OP_TOKEN}), 401, "unauthorized",
        where="POST with the token as Basic credentials")
    expect_error(a.call("POST", p, body, token=VIEW_TOKEN), 403,
                 "forbidden", where="POST with a viewer token")
    expect_error(a.call("POST", "/api/v1/presets/x", None,
                        token=VIEW_TOKEN), 403, "forbidden",
                 where="preset with a viewer token")
    for q in ("?token=" + OP_TOKEN, "?access_token=" + OP_TOKEN,
              "?a=1&api_key=" + OP_TOKEN):
        expect_error(a.call("POST", p + q, body), 400, "tokenInQuery",
                     where="POST %s" % q)
        expect_error(a.call("GET", p + q, token=None), 400, "tokenInQuery",
                     where="GET %s" % q)
    check(a.messages() == [], "refused writes stored something: %s"
          % a.messages())
    check(not audit_lines(d), "refused writes were audited: %s"
          % audit_lines(d))

    n = len(d.lines())
    m = a.post(body)
    check(m["owner"] == OPERATOR and m["source"] == "operator",
          "owner %r source %r, want %r operator"
          % (m["owner"], m["source"], OPERATOR))
    i, _ = d.wait_log(r"^<5>audit: %s added message %s \(operator, "
                      r"priority 10, " % (OPERATOR, m["id"]), after=n)
    check(d.lines()[i].endswith(": AUTH"), "audit line %r does not end "
          "with the MULTI" % d.lines()[i])
    m2 = a.post(msg("BOB"), token=OTHER_TOKEN)
    check(m2["owner"] == OTHER_OP, "owner %r, want %r"
          % (m2["owner"], OTHER_OP))
    d.wait_log(r"^<5>audit: %s added message %s " % (OTHER_OP, m2["id"]),
               after=n)

    # Reads: any token may (messages name their owners, so not without
    # one, even while the monitoring endpoints are public).
    s, doc, raw = a.call("GET", p, token=VIEW_TOKEN)
    check(s == 200 and len(doc["messages"]) == 2,
          "GET as a viewer: %d %r" % (s, raw[:200]))
    s, doc, _ = a.call("GET", p + "/" + m["id"], token=VIEW_TOKEN)
    check(s == 200 and doc.get("id") == m["id"],
          "GET one as a viewer: %d %s" % (s, doc))
    s, doc, _ = a.call("POST", "/api/v1/validate", {"multi": "A"},
                       token=VIEW_TOKEN)
    check(s == 200 and doc.get("ok") is True, "validate as a viewer: %d %s"
          % (s, doc))
    for method, path, b in (("GET", p, None),
                            ("GET", p + "/" + m["id"], None),
                            ("POST", "/api/v1/validate", {"multi": "A"})):
        expect_error(a.call(method, path, b, token=None), 401,
                     "unauthorized", where="%s %s without a token"
                     % (method, path))
        expect_error(a.call(method, path, b, token=WRONG_TOKEN), 401,
                     "unauthorized", where="%s %s with a wrong token"
                     % (method, path))
    check(a.display()["messages"] and a.health()[0] == 200,
          "monitoring is public by default")
    # A viewer may not delete; the message stays.
    expect_error(a.call("DELETE", p + "/" + m["id"], token=VIEW_TOKEN), 403,
                 "forbidden", where="DELETE with a viewer token")
    expect_error(a.call("DELETE", p + "/" + m["id"], token=None), 401,
                 "unauthorized", where="DELETE without a token")
    check(m["id"] in a.ids(), "a refused DELETE removed the message")
    n = len(d.lines())
    a.delete(m["id"], token=OTHER_TOKEN)
    d.wait_log(r"^<5>audit: %s cancelled message %s " % (OTHER_OP, m["id"]),
               after=n)

    # SIGHUP reads the tokens file again: a token taken out stops working,
    # and a broken file keeps the tokens that were in force.
    c.write("tokens", "%s:%s\n" % (OPERATOR, OP_TOKEN))
    n = d.hup()
    d.wait_log(r"^<5>reloaded: ", after=n)
    expect_error(a.call("POST", p, body, token=OTHER_TOKEN), 401,
                 "unauthorized", where="POST with a token removed by SIGHUP")
    c.write("tokens", "%s:%s\nbroken line\n" % (OPERATOR, OP_TOKEN))
    n = d.hup()
    d.wait_log(r"reload failed: keeping", after=n)
    a.post(msg("STILL"))
    check([x["multi"] for x in a.messages()] == ["BOB", "STILL"],
          "messages after the reloads: %s" % a.messages())
    check(d.stop() == 0, "SIGTERM: exit code not 0")

    # health_public false: reads need a token too.
    d, a = start_api(c, api_conf(c, name="private.json",
                                 http={"health_public": False}))
    expect_error(a.call("GET", p, token=None), 401, "unauthorized",
                 where="GET without a token, health_public false")
    expect_error(a.call("GET", p, token=WRONG_TOKEN), 401, "unauthorized",
                 where="GET with a wrong token, health_public false")
    s, _, raw = a.call("GET", p, token=VIEW_TOKEN)
    check(s == 200, "GET as viewer, health_public false: %d %r"
          % (s, raw[:200]))
    expect_error(a.call("GET", "/api/v1/display", token=None), 401,
                 "unauthorized", where="/api/v1/display without a token, "
                 "health_public false")
    s, doc, raw = a.call("GET", "/api/v1/display", token=VIEW_TOKEN)
    check(s == 200 and "regions" in doc, "/api/v1/display as a viewer, "
          "health_public false: %d %r" % (s, raw[:200]))
    check(d.stop() == 0, "SIGTERM: exit code not 0")

    # No tokens file: nobody may write.
    c.write("layout.json", json.load(open(c.path("layout.json"))))
    conf = c.config(name="notokens.json", w=64,
                    http={"listen": ["127.0.0.1:0"]})
    d, a = start_api(c, conf)
    expect_error(a.call("POST", p, body), 401, "unauthorized",
                 where="POST without a tokens file")
    check(d.stop() == 0, "SIGTERM: exit code not 0")

    # Tokens shorter than 16 characters are refused at start.
    c.write("short", "eve:short-token\n")
    conf = c.config(name="short.json", w=64,
                    http={"listen": ["127.0.0.1:0"], "tokens_file": "short"})
    rc, _, err = c.tafeld("-n", "-c", conf)
    check(rc == 1 and c.path("short") in err,
          "-n with a 15-character token: exit %d, stderr %r" % (rc, err))


@case
def test_bad_json(c):
    zone_layout(c)
    d, a = start_api(c, api_conf(c))
    p = "/api/v1/messages"
    good = json.dumps(msg("OK")).encode()
    for what, body in (("malformed", b'{"multi": "x", "priority": 5,'),
                       ("not JSON", b"multi=x&priority=5"),
                       ("trailing bytes", good + b" {}"),
                       ("trailing garbage", good + b"x"),
                       ("two objects", good + good),
                       ("an array", b"[" + good + b"]"),
                       ("a string", b'"hello"'),
                       ("a number", b"42"),
                       ("null", b"null"),
                       ("empty body", b""),
                       ("only blanks", b"  \n"),
                       ("single quotes", b"{'multi': 'x'}"),
                       ("a comment", b"/* x */" + good),
                       ("nested too deep", b'{"multi": ' + b"[" * 40 +
                        b"]" * 40 + b"}"),
                       ("a NUL byte", good[:-1] + b', "x\x00": 1}'),
                       ("a NUL after the object", good + b"\x00")):
        expect_error(a.call("POST", p, body), 400, "badJson",
                     where="POST %s" % what)
        expect_error(a.call("POST", "/api/v1/validate", body), 400,
                     "badJson", where="validate %s" % what)
    # Blanks after the object are no trailing bytes.
    a.post(good + b" \r\n\t")
    check(len(a.messages()) == 1, "messages after the bad bodies: %s"
          % a.messages())
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_bad_fields(c):
    zone_layout(c)
    d, a = start_api(c, api_conf(c, messages={"max_duration_s": 3600}))
    p = "/api/v1/messages"
    base = msg("OK", priority=5, duration_s=60)

    def refused(change, field, drop=()):
        m = dict(base)
        m.update(change)
        for k in drop:
            m.pop(k)
        return expect_error(a.call("POST", p, m), 400, "badField", field,
                            where="POST %s" % json.dumps(m))

    refused({"colour": "red"}, "colour")
    refused({"Priority": 5}, "Priority")
    refused({"multi": "x", "id": "mine"}, "id")
    refused({"owner": "mallory"}, "owner")
    refused({"source": "gpio"}, "source")
    # Wrong types.
    refused({"priority": "5"}, "priority")
    refused({"priority": 5.5}, "priority")
    refused({"priority": True}, "priority")
    refused({"priority": None}, "priority")
    refused({"duration_s": 1.5}, "duration_s")
    refused({"duration_s": "60"}, "duration_s")
    refused({"multi": 3}, "multi")
    refused({"multi": None}, "multi")
    refused({"multi": ["A"]}, "multi")
    refused({"zone": 1}, "zone")
    refused({"end": 1893456000, "duration_s": None}, "end",
            drop=("duration_s",))
    refused({"start": "tomorrow"}, "start")
    refused({"multi": "A\u0000B"}, "multi")
    # Out of range.
    refused({"priority": 0}, "priority")
    refused({"priority": 256}, "priority")
    refused({"priority": -1}, "priority")
    refused({"duration_s": 0}, "duration_s")
    refused({"duration_s": -5}, "duration_s")
    refused({"duration_s": 3601}, "duration_s")
    refused({"duration_s": 10 ** 30}, "duration_s")
    refused({"end": iso(time.time() + 7200)}, "end", drop=("duration_s",))
    refused({"end": iso(time.time() - 60)}, "end", drop=("duration_s",))
    refused({"multi": "x" * 5000}, "multi")
    refused({"zone": "nope"}, "zone")
    # Required, and exactly one of duration_s and end.
    refused({}, "multi", drop=("multi",))
    refused({}, "priority", drop=("priority",))
    e = refused({}, "duration_s", drop=("duration_s",))
    check("end" in e["message"], "neither duration_s nor end: %r does not "
          "mention end" % e["message"])
    e = refused({"end": iso(time.time() + 600)}, "duration_s")
    check("end" in e["message"], "both duration_s and end: %r"
          % e["message"])
    # The limits themselves are allowed.
    a.post(dict(base, priority=1))
    a.post(dict(base, duration_s=3600))
    a.post(dict(base, duration_s=1.0e0 * 60))   # an integral number
    m = a.post(msg("END", priority=5, duration_s=None,
                   end=iso(time.time() + 600)))
    check(m["end"] is not None, "end %r" % m["end"])
    check(len(a.messages()) == 4, "%d messages stored, want the 4 good "
          "ones" % len(a.messages()))
    # A start so late that the end passes the largest time stored: the
    # answer names the API's field, not the store's.
    refused({"start": "9999-12-31T23:59:00Z"}, ("start", "end"))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_non_utf8_input(c):
    """JSON text is UTF-8 (RFC 8259 §8.1): other bytes are malformed JSON,
    and every answer is JSON, so UTF-8, whatever it quotes.  Each check
    runs; the case fails with all that failed."""
    zone_layout(c)
    d, a = start_api(c, api_conf(c))
    p = "/api/v1/messages"
    failed = []

    def soft(fn):
        try:
            fn()
        except Fail as e:
            failed.append(str(e))

    def long_key():
        # A long non-ASCII name: the answer quotes it cut, but as UTF-8.
        key = "a" * 63 + "\u00e4rger"
        e = expect_error(a.call("POST", p, dict(msg("A"), **{key: 1})),
                         400, "badField", where="POST a long unknown field")
        check(e["message"].startswith("a" * 63) and "unknown field" in
              e["message"], "a long unknown field: %r" % e["message"])
    soft(long_key)
    soft(lambda: expect_error(
        a.call("POST", p, b'{"\xff\xfe": 1, "multi": "A", "priority": 5, '
               b'"duration_s": 60}'), 400, ("badJson", "badField"),
        where="POST a key not in UTF-8"))
    for path, body in ((p, b'{"multi": "A\xc3", "priority": 5, '
                        b'"duration_s": 60}'),
                       ("/api/v1/validate", b'{"multi": "A\xc3"}')):
        soft(lambda path=path, body=body: expect_error(
            a.call("POST", path, body), 400, "badJson",
            where="POST %s, multi not in UTF-8" % path))
    check(a.messages() == [], "stored: %s" % a.messages())
    check(d.stop() == 0, "SIGTERM: exit code not 0")
    check(not failed, "; ".join(failed))

def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(t)))


@case
def test_oversize_body(c):
    zone_layout(c)
    d, a = start_api(c, api_conf(c, http={"max_body": 2048}))
    p = "/api/v1/messages"
    good = json.dumps(msg("BIG")).encode()
    exact = good + b" " * (2048 - len(good))
    over = exact + b" "
    expect_error(a.call("POST", p, over), 413, "payloadTooLarge",
                 where="POST of 2049 bytes (max_body 2048)")
    expect_error(a.call("POST", p, b"x" * 200000), 413, "payloadTooLarge",
                 where="POST of 200000 bytes")
    expect_error(a.call("POST", "/api/v1/validate", over), 413,
                 "payloadTooLarge", where="validate of 2049 bytes")
    check(a.messages() == [], "an oversized body was stored")
    a.post(exact)     # exactly max_body is allowed
    check(len(a.messages()) == 1, "the body of exactly max_body bytes "
          "was not stored")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_multi_errors_and_validate(c):
    zone_layout(c)
    d, a = start_api(c, api_conf(c))
    p = "/api/v1/messages"

    def multi_error(path, body, code, number, pos, token=OP_TOKEN):
        res = a.call("POST", path, body, token=token)
        e = expect_error(res, 422, code, where="%s %s" % (path, body))
        check(e.get("multi_error") == number and e.get("position") == pos,
              "%s %s: multi_error %r position %r, want %d at %d"
              % (path, body, e.get("multi_error"), e.get("position"),
                 number, pos))

    wide = "ABCDEFGHIJ"                 # 59 px: wider than the 48 px zone
    for path, body in ((p, msg("ab[xy]")),
                       ("/api/v1/validate", {"multi": "ab[xy]"})):
        multi_error(path, body, "unsupportedTag", 3, 2)
    multi_error(p, msg("[XY]"), "unsupportedTag", 3, 0)
    multi_error(p, msg("AB[fo9]C"), "fontNotDefined", 6, 2)
    multi_error(p, msg("A" + "[np]A" * 6), "tooManyPages", 12, 26)
    multi_error(p, msg(wide), "textTooBig", 5, 0)
    multi_error(p, msg(wide, zone="ticker"), "textTooBig", 5, 0)
    multi_error("/api/v1/validate", {"multi": wide, "zone": "ticker"},
                "textTooBig", 5, 0)
    # Without a zone validate lays out for the default zone (the first).
    multi_error("/api/v1/validate", {"multi": wide}, "textTooBig", 5, 0)
    check(a.messages() == [], "refused MULTI was stored: %s"
          % a.messages())

    def valid(body, pages, token=OP_TOKEN):
        s, doc, raw = a.call("POST", "/api/v1/validate", body, token=token)
        check(s == 200 and doc == {"ok": True, "pages": pages},
              "validate %s: %d %r, want 200 {ok: true, pages: %d}"
              % (body, s, raw[:200], pages))

    valid({"multi": "HELLO"}, 1)
    valid({"multi": "A[np]B[np]C"}, 3)
    valid({"multi": "[[X]]"}, 1)
    valid({"multi": wide, "zone": "board"}, 1)   # the board is 64 px
    valid({"multi": "HELLO"}, 1, token=VIEW_TOKEN)  # a read
    expect_error(a.call("POST", "/api/v1/validate", {"multi": "A",
                                                      "zone": "nope"}),
                 400, "badField", "zone", where="validate, unknown zone")
    expect_error(a.call("POST", "/api/v1/validate", {"multi": "A",
                                                      "priority": 5}),
                 400, "badField", "priority",
                 where="validate, unknown field")
    expect_error(a.call("POST", "/api/v1/validate", {}), 400, "badField",
                 "multi", where="validate without multi")
    check(a.messages() == [], "validate stored a message")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_message_appears_within_a_frame(c):
    zone_layout(c)
    d, a = start_api(c, api_conf(c))
    before = a.display()
    check(own_text(before, "ticker") == ["TICK"] and
          shown(before, "ticker") is None and before.get("messages") == [],
          "before any message: %s" % json.dumps(before))
    f0 = before["frame"]
    m = a.post(msg("HELLO", priority=20))
    # Frames are drawn at most display.fps times a second: the message is
    # on the board within one frame interval (16.7 ms at 60 fps) of the
    # change, so allow a few frame intervals for the poll.
    end = time.monotonic() + 0.1
    after = a.display()
    while shown(after, "ticker") is None and time.monotonic() < end:
        time.sleep(0.005)
        after = a.display()
    check(shown(after, "ticker") == ("HELLO", m["id"]),
          "100 ms after the 201 the ticker zone shows %s (own %s), want "
          "HELLO %s: %s" % (shown(after, "ticker"), own_text(after, "ticker"),
                            m["id"], json.dumps(after)))
    # A static board draws a frame only when something changes: the
    # message is the next one.
    check(after["frame"] <= f0 + 2, "frame %d before, %d once shown: more "
          "than one frame in between" % (f0, after["frame"]))
    check(own_text(after, "side") == ["S"] and
          own_text(after, "below") == ["#"],
          "the other regions changed: %s" % json.dumps(after))
    check(after.get("messages") == [m["id"]], "display messages %r"
          % after.get("messages"))
    _, hd = a.health()
    ren = mon.one(hd, "rendering:frames")
    check(ren.get("messages") == [m["id"]], "/health rendering messages %r, "
          "want [%s]" % (ren.get("messages"), m["id"]))
    # Its own URL, and the list.
    s, one, raw = a.call("GET", "/api/v1/messages/" + m["id"])
    check(s == 200 and one == dict(m, active=True),
          "GET %s: %d %r, want the POST answer %s" % (m["id"], s, raw[:300],
                                                       m))
    check(m["multi"] == "HELLO" and m["priority"] == 20 and
          m["zone"] == "" and m["active"] is True,
          "POST answer %s" % m)
    expect_error(a.call("GET", "/api/v1/messages/nope"), 404, "notFound",
                 where="GET an unknown id")
    expect_error(a.call("DELETE", "/api/v1/messages/nope"), 404, "notFound",
                 where="DELETE an unknown id")
    # A message of two pages: the readout has the text of the page shown.
    pg = a.post(msg("[pt5o0]ONE[np]TWO", priority=25))
    a.wait_display(lambda x: shown(x, "ticker") == ("ONE", pg["id"]),
                   "page 1 of a two-page message")
    a.wait_display(lambda x: shown(x, "ticker") == ("TWO", pg["id"]),
                   "page 2 (0.5 s pages)", timeout=1.5)
    a.wait_display(lambda x: shown(x, "ticker") == ("ONE", pg["id"]),
                   "page 1 again", timeout=1.5)
    a.delete(pg["id"])
    # Named zone and a whole-board message.
    m2 = a.post(msg("ZONED", priority=30, zone="ticker"))
    a.wait_display(lambda x: shown(x, "ticker") == ("ZONED", m2["id"]),
                   "a message for the ticker zone")
    m3 = a.post(msg("ALL", priority=5, zone="board"))
    doc = a.wait_display(lambda x: shown(x, "board") == ("ALL", m3["id"]),
                         "a message for zone board")
    check(region_names(doc) == ["board"], "zone board: regions %s"
          % region_names(doc))
    a.delete(m3["id"])
    doc = a.wait_display(lambda x: region_names(x) == ["ticker", "side",
                                                       "below"],
                         "the layout back after the board message")
    check(shown(doc, "ticker") == ("ZONED", m2["id"]), "ticker %s"
          % (shown(doc, "ticker"),))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_no_zone_layout_messages_take_the_board(c):
    c.write("layout.json", h.layout(64, 16, [
        h.region("a", 0, 0, 64, 16, [h.text("PLAIN")])],
        background=h.BOARD_BG))
    d, a = start_api(c, api_conf(c))
    m = a.post(msg("WHOLE"))
    doc = a.wait_display(lambda x: shown(x, "board") == ("WHOLE", m["id"]),
                         "a message without zone on a layout without zones")
    check(region_names(doc) == ["board"], "regions %s" % region_names(doc))
    expect_error(a.call("POST", "/api/v1/messages", msg("X", zone="ticker")),
                 400, "badField", "zone", where="zone ticker on a layout "
                 "without zones")
    a.delete(m["id"])
    a.wait_display(lambda x: own_text(x, "a") == ["PLAIN"],
                   "the layout back")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_priority_fallback(c):
    zone_layout(c)
    d, a = start_api(c, api_conf(c))
    low = a.post(msg("LOW", priority=10))
    a.wait_display(lambda x: shown(x, "ticker") == ("LOW", low["id"]),
                   "the low message")
    high = a.post(msg("HIGH", priority=50, zone="ticker"))
    a.wait_display(lambda x: shown(x, "ticker") == ("HIGH", high["id"]),
                   "the higher message")
    # A lower one sent later does not displace it.
    lower = a.post(msg("LOWER", priority=5))
    time.sleep(0.1)
    check(shown(a.display(), "ticker") == ("HIGH", high["id"]),
          "a later, lower message displaced the higher one")
    a.delete(lower["id"])
    a.delete(high["id"])
    a.wait_display(lambda x: shown(x, "ticker") == ("LOW", low["id"]),
                   "the low message after the high one was deleted")
    check(a.ids() == [low["id"]], "list after DELETE: %s" % a.ids())
    expect_error(a.call("GET", "/api/v1/messages/" + high["id"]), 404,
                 "notFound", where="GET a deleted message")
    expect_error(a.call("DELETE", "/api/v1/messages/" + high["id"]), 404,
                 "notFound", where="DELETE a deleted message")
    # Ties go to the newest.
    time.sleep(0.01)
    tie = a.post(msg("TIE", priority=10))
    a.wait_display(lambda x: shown(x, "ticker") == ("TIE", tie["id"]),
                   "the newer of two equal priorities")
    a.delete(tie["id"])
    a.wait_display(lambda x: shown(x, "ticker") == ("LOW", low["id"]),
                   "back to the low message")
    a.delete(low["id"])
    doc = a.wait_display(lambda x: shown(x, "ticker") is None,
                         "the zone's own content after the last DELETE")
    check(own_text(doc, "ticker") == ["TICK"] and doc["messages"] == [],
          "after the last DELETE: %s" % json.dumps(doc))
    check(a.messages() == [], "list after all DELETEs: %s" % a.messages())
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_expiry_and_scheduled_start(c):
    zone_layout(c)
    d, a = start_api(c, api_conf(c))
    t0 = time.monotonic()
    m = a.post(msg("BRIEF", priority=10, duration_s=2))
    check(m["end"] is not None, "duration_s 2: end %r" % m["end"])
    a.wait_display(lambda x: shown(x, "ticker") == ("BRIEF", m["id"]),
                   "the 2 s message", timeout=1)
    check(time.monotonic() - t0 < 1.5, "the 2 s message shown only after "
          "%.1f s" % (time.monotonic() - t0))
    a.wait_display(lambda x: shown(x, "ticker") is None, "expiry after 2 s",
                   timeout=4)
    gone = time.monotonic() - t0
    # The daemon's clock has whole milliseconds, end = start + 2 s.
    check(1.8 <= gone <= 3.0, "the 2 s message went after %.2f s" % gone)
    doc = a.display()
    check(own_text(doc, "ticker") == ["TICK"] and doc["messages"] == [],
          "after expiry: %s" % json.dumps(doc))
    check(m["id"] not in a.ids(), "expired message still listed")
    expect_error(a.call("GET", "/api/v1/messages/" + m["id"]), 404,
                 "notFound", where="GET an expired message")

    # A message that starts later is listed but not shown until then.
    start = int(time.time()) + 2
    later = a.post(msg("LATER", priority=10, duration_s=60,
                       start=iso(start)))
    check(later["active"] is False and later["start"] == iso(start),
          "future start: %s" % later)
    check(shown(a.display(), "ticker") is None, "a message shown before "
          "its start")
    a.wait_display(lambda x: shown(x, "ticker") == ("LATER", later["id"]),
                   "the message at its start", timeout=4)
    check(time.time() >= start - 0.05, "shown %.2f s before its start"
          % (start - time.time()))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_emergency_takes_the_board(c):
    zone_layout(c)
    d, a = start_api(c, api_conf(c))
    z = a.post(msg("ZONE", priority=200))
    a.wait_display(lambda x: shown(x, "ticker") == ("ZONE", z["id"]),
                   "the zone message")
    # 10 characters do not fit the zone but fit the board: an emergency
    # is laid out for the board.
    wide = "ACHTUNG A2"
    expect_error(a.call("POST", "/api/v1/messages", msg(wide, priority=254)),
                 422, "textTooBig", where="a wide message at 254")
    e = a.post(msg(wide, priority=255))
    doc = a.wait_display(lambda x: shown(x, "board") == (wide, e["id"]),
                         "the emergency on the whole board")
    check(region_names(doc) == ["board"], "emergency: regions %s, want "
          "only board" % region_names(doc))
    check(sorted(doc["messages"]) == sorted([z["id"], e["id"]]),
          "display messages %s" % doc["messages"])
    # Nothing below an emergency shows, whatever its zone or priority.
    z2 = a.post(msg("Z2", priority=254, zone="ticker"))
    time.sleep(0.1)
    check(shown(a.display(), "board") == (wide, e["id"]),
          "a 254 message displaced the emergency")
    a.delete(e["id"])
    doc = a.wait_display(lambda x: shown(x, "ticker") == ("Z2", z2["id"]),
                         "the zone message after the emergency")
    check(region_names(doc) == ["ticker", "side", "below"] and
          own_text(doc, "side") == ["S"], "after the emergency: %s"
          % json.dumps(doc))
    for mid in a.ids():
        a.delete(mid)
    check(d.stop() == 0, "SIGTERM: exit code not 0")

    # A lower emergency_priority.
    d, a = start_api(c, api_conf(c, name="emerg.json",
                                 messages={"emergency_priority": 200}))
    e = a.post(msg(wide, priority=200))
    a.wait_display(lambda x: shown(x, "board") == (wide, e["id"]),
                   "priority 200 with emergency_priority 200")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_presets(c):
    zone_layout(c)
    presets = [
        {"name": "event-kkl", "multi": "KKL P+R", "priority": 50,
         "duration_s": 600, "zone": "ticker"},
        {"name": "tunnel-closed", "multi": "TUNNEL ZU", "priority": 255},
    ]
    d, a = start_api(c, api_conf(c, messages={"presets": presets}))
    n = len(d.lines())
    s, m, raw = a.call("POST", "/api/v1/presets/event-kkl")
    check(s == 201, "preset event-kkl: %d %r" % (s, raw[:300]))
    check_message(m, "preset answer")
    check(m["source"] == "preset" and m["multi"] == "KKL P+R" and
          m["priority"] == 50 and m["zone"] == "ticker" and
          m["owner"] == OPERATOR and m["end"] is not None,
          "preset message %s" % m)
    d.wait_log(r"^<5>audit: %s added message %s \(preset, priority 50, "
               r'zone "ticker", ' % (OPERATOR, m["id"]), after=n)
    a.wait_display(lambda x: shown(x, "ticker") == ("KKL P+R", m["id"]),
                   "the preset in the ticker zone")
    check([x["source"] for x in a.messages()] == ["preset"],
          "list %s" % a.messages())
    expect_error(a.call("POST", "/api/v1/presets/nope"), 404, "notFound",
                 where="an unknown preset")
    expect_error(a.call("POST", "/api/v1/presets/event-kkl", token=None),
                 401, "unauthorized", where="a preset without a token")
    expect_error(a.call("POST", "/api/v1/presets/event-kkl",
                        token=VIEW_TOKEN), 403, "forbidden",
                 where="a preset with a viewer token")
    # A preset without duration stays until cancelled; an emergency one
    # takes the board although its text is too wide for the zone.
    s, t, raw = a.call("POST", "/api/v1/presets/tunnel-closed")
    check(s == 201 and t["end"] is None and t["priority"] == 255,
          "preset tunnel-closed: %d %r" % (s, raw[:300]))
    a.wait_display(lambda x: shown(x, "board") == ("TUNNEL ZU", t["id"]),
                   "the emergency preset on the board")
    a.delete(t["id"])
    a.wait_display(lambda x: shown(x, "ticker") == ("KKL P+R", m["id"]),
                   "the ticker preset after the emergency one")
    check(d.stop() == 0, "SIGTERM: exit code not 0")

    # A preset that cannot be shown is a configuration error.
    conf = api_conf(c, name="bad.json", messages={"presets": [
        {"name": "wide", "multi": "ABCDEFGHIJ", "zone": "ticker"}]})
    rc, _, err = c.tafeld("-n", "-c", conf)
    check(rc == 1 and "messages.presets[0].multi" in err and
          "textTooBig" in err, "-n with a preset too wide for its zone: "
          "exit %d: %r" % (rc, err))


@case
def test_store_full(c):
    zone_layout(c)
    d, a = start_api(c, api_conf(c))
    MAX = 1000                      # MSGSTORE_MAX
    for i in range(MAX):
        s, _, raw = a.call("POST", "/api/v1/messages", msg("F%d" % i))
        check(s == 201, "message %d of %d: HTTP %d %r" % (i + 1, MAX, s,
                                                          raw[:200]))
    expect_error(a.call("POST", "/api/v1/messages", msg("ONE")), 507,
                 "storeFull", where="message %d" % (MAX + 1))
    expect_error(a.call("POST", "/api/v1/presets/x"), 404, "notFound",
                 where="an unknown preset on a full store")
    first = a.ids()[0]
    a.delete(first)
    a.post(msg("ROOM"))
    check(len(a.ids()) == MAX, "%d messages, want %d" % (len(a.ids()), MAX))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_persistence_across_restart(c):
    zone_layout(c)
    conf = api_conf(c)
    d, a = start_api(c, conf)
    m = a.post(msg("KEEP", priority=40))
    gone = a.post(msg("GONE", priority=30))
    a.delete(gone["id"])
    with open(c.path("messages.json")) as f:
        stored = json.load(f)
    check(m["id"] in json.dumps(stored) and gone["id"] not in
          json.dumps(stored), "messages.json after the 201 and the DELETE:"
          " %s" % json.dumps(stored)[:500])
    check(d.stop() == 0, "SIGTERM: exit code not 0")

    d, a = start_api(c, conf)
    listed = a.messages()
    check(listed == [dict(m, active=True)], "after a restart: %s, want %s"
          % (listed, [m]))
    a.wait_display(lambda x: shown(x, "ticker") == ("KEEP", m["id"]),
                   "the stored message after a restart")
    check(not [l for l in d.lines() if re.match(r"^<[0-4]>", l)],
          "warnings or errors on a clean restart: %s" % d.log())
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_failsafe_and_startup_messages(c):
    srv = fd.FeedServer(c)
    srv.control("500")              # no data yet: the start-up message
    codes = ["SP01", "SP02"]
    height = fd.park_board(c, codes)
    write_tokens(c)
    conf = c.config(w=fd.BOARD_W, h=height,
                    http={"listen": ["127.0.0.1:0"], "rate_per_s": 0,
                          "tokens_file": "tokens"},
                    feeds=[fd.feed(srv.url(fd.PLS), stale_after_s=2)],
                    messages={"failsafe": "STOERUNG", "startup": "START"})
    d, a = start_api(c, conf)
    doc = a.wait_display(lambda x: shown(x, "board") == ("START", "startup"),
                         "the start-up message before any data")
    check(region_names(doc) == ["board"], "start-up: regions %s"
          % region_names(doc))
    # Live data (dated when served), then the feed freezes: its last
    # document turns stale 2 s after its datestamp.
    srv.control("ok")
    t0 = time.monotonic()
    a.wait_display(lambda x: region_names(x) == codes, "the car parks "
                   "once the first data arrived", timeout=6)
    t_data = time.monotonic() - t0
    srv.control("frozen")
    t0 = time.monotonic()
    doc = a.wait_display(lambda x: shown(x, "board") ==
                         ("STOERUNG", "failsafe"),
                         "the fail-safe message once the feed is stale",
                         timeout=6)
    t_stale = time.monotonic() - t0
    check(region_names(doc) == ["board"], "fail-safe: regions %s"
          % region_names(doc))
    # An operator message outranks the fail-safe one.
    m = a.post(msg("MANUELL", priority=255))
    a.wait_display(lambda x: shown(x, "board") == ("MANUELL", m["id"]),
                   "an emergency over the fail-safe")
    a.delete(m["id"])
    a.wait_display(lambda x: shown(x, "board") == ("STOERUNG", "failsafe"),
                   "the fail-safe again")
    # Fresh data again: the car parks come back.
    srv.control("ok")
    a.wait_display(lambda x: region_names(x) == codes,
                   "the car parks once the feed is fresh again", timeout=5)
    check(d.stop() == 0, "SIGTERM: exit code not 0")
    return "data after %.1f s, fail-safe %.1f s after the freeze" % (
        t_data, t_stale)


@case
def test_corrupt_store(c):
    zone_layout(c)
    conf = api_conf(c)
    d, a = start_api(c, conf)
    first = a.post(msg("FIRST", priority=10))
    second = a.post(msg("SECOND", priority=20))
    check(d.stop() == 0, "SIGTERM: exit code not 0")
    store, prev = c.path("messages.json"), c.path("messages.json.prev")
    check(os.path.exists(prev), "no messages.json.prev after two writes")

    garbage = b"\x00\x17{not json at all\xff"
    with open(store, "wb") as f:
        f.write(garbage)
    d, a = start_api(c, conf)
    warn = [l for l in d.lines() if l.startswith("<4>msgstore")]
    check(warn and any("messages.json.prev" in l for l in warn),
          "no warning naming messages.json.prev: %s" % d.log())
    check(a.ids() == [first["id"]], "from .prev: %s, want the first "
          "message only" % a.ids())
    a.wait_display(lambda x: shown(x, "ticker") == ("FIRST", first["id"]),
                   "the message from .prev")
    with open(c.path("messages.json.corrupt"), "rb") as f:
        check(f.read() == garbage, "messages.json.corrupt does not hold "
              "the garbage")
    # It writes a good store again on the next change.
    third = a.post(msg("THIRD", priority=5))
    check(d.stop() == 0, "SIGTERM: exit code not 0")
    with open(store) as f:
        ids = json.dumps(json.load(f))
    check(first["id"] in ids and third["id"] in ids and
          second["id"] not in ids, "messages.json after the recovery: %s"
          % ids[:300])

    # Truncated, and no previous generation: the daemon starts empty.
    with open(store) as f:
        text = f.read()
    with open(store, "w") as f:
        f.write(text[:len(text) // 2])
    os.unlink(prev)
    d, a = start_api(c, conf)
    check(any(l.startswith(("<3>msgstore", "<4>msgstore"))
              for l in d.lines()), "no warning for a truncated store "
          "without .prev: %s" % d.log())
    check(a.ids() == [], "a truncated store without .prev: %s" % a.ids())
    a.post(msg("AFTER"))
    check(d.stop() == 0, "SIGTERM: exit code not 0")

    # An empty file: still starts.
    with open(store, "w"):
        pass
    d, a = start_api(c, conf)
    check(d.proc.poll() is None, "died on an empty store")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


# ---------------------------------------------------------------------------
# kill -9 while messages are written
# ---------------------------------------------------------------------------

class Writer(threading.Thread):
    """POSTs (and, past KILL_LIVE_MAX, DELETEs) messages to whatever port
    the main thread publishes; records every answer."""

    def __init__(self):
        super().__init__(daemon=True)
        self.lock = threading.Lock()
        self.port = None
        self.stop = threading.Event()
        self.acked = []            # ids answered 201, in order
        self.live = []             # acked, no DELETE sent yet
        self.delete_sent = set()   # a DELETE was sent (answered or not)
        self.deleted = set()       # DELETE answered 200
        self.unanswered = 0        # requests without an answer (killed)
        self.problems = []         # answers no healthy daemon gives
        self.n = 0

    def set_port(self, port):
        with self.lock:
            self.port = port

    def request(self, port, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", port,
                                          timeout=KILL_HTTP_TIMEOUT_S)
        try:
            hd = {"Authorization": "Bearer " + OP_TOKEN}
            if body is not None:
                hd["Content-Type"] = "application/json"
            conn.request(method, path, body=body, headers=hd)
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def run(self):
        while not self.stop.is_set():
            with self.lock:
                port = self.port
            if port is None:
                time.sleep(0.001)
                continue
            if len(self.live) > KILL_LIVE_MAX:
                mid = self.live.pop(0)
                self.delete_sent.add(mid)
                try:
                    s, raw = self.request(port, "DELETE",
                                          "/api/v1/messages/" + mid)
                except (OSError, http.client.HTTPException):
                    self.unanswered += 1
                    continue
                if s == 200:
                    self.deleted.add(mid)
                else:
                    self.problems.append("DELETE %s (acknowledged): %d %r"
                                         % (mid, s, raw[:200]))
                continue
            self.n += 1
            body = json.dumps(msg("k%d" % (self.n % 10000), priority=10,
                                  duration_s=86400)).encode()
            try:
                s, raw = self.request(port, "POST", "/api/v1/messages",
                                      body)
            except (OSError, http.client.HTTPException):
                self.unanswered += 1
                time.sleep(0.001)
                continue
            if s == 201:
                try:
                    mid = json.loads(raw)["id"]
                except (ValueError, KeyError, TypeError):
                    self.problems.append("POST: 201 with %r" % raw[:200])
                    continue
                self.acked.append(mid)
                self.live.append(mid)
            else:
                self.problems.append("POST: %d %r" % (s, raw[:200]))


def fast_start(c, conf, timeout=h.START_TIMEOUT_S):
    """Start tafeld and return (daemon, port) as soon as it shows its
    layout; run.py's start() polls every 20 ms, too slow for 200 rounds."""
    d = h.Daemon(c, conf, c.dir, fd.NO_PROXY)
    c.daemons.append(d)
    port_rx = re.compile(r"^<5>http: listening on 127\.0\.0\.1:0 "
                         r"\(port (\d+)\)$", re.M)
    show_rx = re.compile(r"^<5>tafeld \S+: showing ", re.M)
    end = time.monotonic() + timeout
    while True:
        log = d.log()
        m = port_rx.search(log)
        if m and show_rx.search(log):
            return d, int(m.group(1))
        if d.proc.poll() is not None:
            raise Fail("tafeld exited %d at start; log:\n%s"
                       % (d.proc.returncode, log))
        if time.monotonic() > end:
            raise Fail("tafeld not up within %gs; log:\n%s" % (timeout, log))
        time.sleep(0.002)


@case
def test_kill9_during_writes(c):
    seed = int(os.environ.get("KILL_SEED", time.time_ns() % 1000000))
    rng = random.Random(seed)
    c.write("layout.json", h.layout(32, 8, [
        h.region("a", 0, 0, 32, 8, [h.text("-", valign="top")])]))
    conf = api_conf(c, w=32, h_=8)
    w = Writer()
    w.start()
    bad_logs = []
    rounds = 0
    mid_write = 0
    t_start = time.monotonic()
    try:
        while rounds < KILL_ROUNDS:
            check(time.monotonic() - t_start < KILL_BOUND_S,
                  "only %d kill rounds in %d s (seed %d)"
                  % (rounds, KILL_BOUND_S, seed))
            d, port = fast_start(c, conf)
            w.set_port(port)
            time.sleep(rng.uniform(KILL_MIN_S, KILL_MAX_S))
            check(d.proc.poll() is None, "tafeld died by itself in round "
                  "%d (seed %d); log:\n%s" % (rounds, seed, d.log()))
            before = len(w.acked) + w.unanswered
            d.proc.send_signal(signal.SIGKILL)
            d.proc.wait(timeout=h.STOP_TIMEOUT_S)
            w.set_port(None)
            d.kill()          # closes its log file
            rounds += 1
            bad_logs += ["round %d: %s" % (rounds, l) for l in d.lines()
                         if re.match(r"^<[0-4]>", l)]
            mid_write += before != len(w.acked) + w.unanswered
            check(not w.problems, "round %d (seed %d): %s"
                  % (rounds, seed, w.problems[:5]))
    finally:
        w.set_port(None)
        w.stop.set()
        w.join(KILL_HTTP_TIMEOUT_S + 2)
    took = time.monotonic() - t_start
    check(not w.is_alive(), "the writer thread did not stop")
    check(not w.problems, "seed %d: %s" % (seed, w.problems[:5]))
    check(len(w.acked) >= KILL_ROUNDS, "only %d messages acknowledged in "
          "%d rounds (seed %d)" % (len(w.acked), rounds, seed))

    d, a = start_api(c, conf)
    listed = a.ids()
    must = [i for i in w.acked if i not in w.delete_sent]
    missing = [i for i in must if i not in set(listed)]
    back = sorted(w.deleted & set(listed))
    with open(c.path("messages.json")) as f:
        try:
            stored = json.load(f)
        except ValueError as e:
            raise Fail("messages.json is not valid JSON after %d kills: %s"
                       % (rounds, e))
    file_ids = re.findall(r'"id": ?"([0-9A-Za-z_.-]+)"', json.dumps(stored))
    bad_logs += ["final start: %s" % l for l in d.lines()
                 if re.match(r"^<[0-4]>", l)]
    check(d.stop() == 0, "SIGTERM: exit code not 0")
    check(not missing, "%d of %d acknowledged messages lost after %d kills "
          "(seed %d), e.g. %s" % (len(missing), len(must), rounds, seed,
                                  missing[:5]))
    check(not back, "%d messages whose DELETE was acknowledged came back "
          "(seed %d), e.g. %s" % (len(back), seed, back[:5]))
    check(sorted(file_ids) == sorted(listed), "messages.json holds %d ids, "
          "the API lists %d" % (len(file_ids), len(listed)))
    check(not bad_logs, "the store complained after kills (seed %d):\n%s"
          % (seed, "\n".join(bad_logs[:10])))
    return ("%d kills in %.0f s, %d acknowledged, %d deleted, %d requests "
            "cut off, %d rounds killed mid-request, %d stored, seed %d"
            % (rounds, took, len(w.acked), len(w.deleted), w.unanswered,
               mid_write, len(listed), seed))


# ---------------------------------------------------------------------------

def main(argv):
    return h.main_for(CASES, argv, case_class=fd.Case)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
