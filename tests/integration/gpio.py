#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tafel authors
"""Integration tests of the cabinet: GPIO inputs and outputs and the
brightness, through the real tafeld and its HTTP API.

    python3 tests/integration/gpio.py build/tafeld [CASE...]

Most cases run the simulation backend ("gpio": {"backend": "sim"}): line
levels are set with POST /api/v1/gpio/sim and the effects are read where
an operator reads them: /api/v1/display, /api/v1/messages, /health,
/metrics, /snapshot.png, /api/v1/gpio and /api/v1/brightness.  The cases
with the libgpiod backend run on this machine, which has no
/dev/gpiochip*: a required chip refuses to start naming the chip, an
optional one runs and health warns.  The real kernel lines are tested by
`make test-vm` (gpio-sim in qemu).

The harness is run.py's (Case, Daemon, the test font) with api.py's client
and fixtures (tokens, the 64x16 layout with a "ticker" zone).  The last
line is "N passed, N failed"; the exit code is 1 when anything failed.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import time
import zoneinfo

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as h  # noqa: E402
import api as ap  # noqa: E402  (the API client, tokens, zone layout)
from run import Fail, check  # noqa: E402

OP, VIEW = ap.OP_TOKEN, ap.VIEW_TOKEN
PROMTOOL = "/usr/bin/promtool"

PRESETS = [
    {"name": "tunnel", "multi": "TUNNEL", "priority": 50, "zone": "ticker"},
    {"name": "event", "multi": "EVENT", "priority": 40, "zone": "ticker",
     "duration_s": 600},
]


def inputs(*extra, debounce_ms=0):
    """Sim inputs: tunnel (while_closed contact), event (toggle contact),
    door, twilight, test (a 1 s test pattern, active low, pulled up)."""
    ins = [
        {"name": "tunnel", "line": "tunnel", "role": "contact",
         "preset": "tunnel", "debounce_ms": debounce_ms},
        {"name": "event", "line": 1, "role": "contact", "preset": "event",
         "mode": "toggle", "debounce_ms": debounce_ms},
        {"name": "door", "line": "door", "role": "door",
         "debounce_ms": debounce_ms},
        {"name": "twilight", "line": 3, "role": "twilight",
         "debounce_ms": debounce_ms},
        {"name": "test", "line": "test", "role": "test_pattern",
         "seconds": 1, "active_low": True, "bias": "pull-up",
         "debounce_ms": debounce_ms},
    ]
    return ins + list(extra)


def gpio_conf(c, name="conf.json", gpio=None, brightness=None, **top):
    ap.zone_layout(c)
    g = {"backend": "sim", "chip": "gpiochip0", "inputs": inputs(),
         "outputs": [
             {"name": "heartbeat", "line": 6, "role": "heartbeat",
              "period_ms": 100},
             {"name": "relay", "line": "relay", "role": "power_relay"}]}
    g.update(gpio or {})
    top["gpio"] = g
    if brightness is not None:
        top["brightness"] = brightness
    return ap.api_conf(c, name=name, messages={"presets": PRESETS}, **top)


class Cab(ap.Api):
    def sim(self, line, value, token=OP, want=200):
        s, doc, raw = self.call("POST", "/api/v1/gpio/sim",
                                {"line": line, "value": value}, token)
        check(s == want, "sim %s=%s: HTTP %d, want %d: %r"
              % (line, value, s, want, raw[:300]))
        return doc

    def gpio(self):
        s, doc, raw = self.call("GET", "/api/v1/gpio")
        check(s == 200 and isinstance(doc, dict),
              "GET /api/v1/gpio: %d %r" % (s, raw[:300]))
        return doc

    def bright(self):
        s, doc, raw = self.call("GET", "/api/v1/brightness")
        check(s == 200 and isinstance(doc, dict) and
              isinstance(doc.get("percent"), int),
              "GET /api/v1/brightness: %d %r" % (s, raw[:300]))
        return doc

    def check_doc(self, name):
        _, doc = self.health()
        return doc["status"], doc["checks"][name][0]

    def metric(self, name):
        _, _, body = self.get("/metrics")
        m = re.search(r"^%s (\S+)$" % re.escape(name), body.decode(),
                      re.M)
        check(m is not None, "/metrics has no %s" % name)
        return float(m.group(1))

    def wait(self, pred, what, timeout=h.WAIT_S):
        end = time.monotonic() + timeout
        while True:
            v = pred()
            if v:
                return v
            if time.monotonic() > end:
                raise Fail("%s: not within %gs" % (what, timeout))
            time.sleep(0.02)


def start(c, conf):
    d = c.start(conf)
    return d, Cab(d)


def input_state(a, name):
    return a.gpio()["inputs"][name]


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


@case
def test_contact_shows_its_preset_while_closed(c):
    d, a = start(c, gpio_conf(c))
    check(ap.shown(a.display(), "ticker") is None,
          "a message before any contact closed: %s" % a.display())
    a.sim("tunnel", 1)
    doc = a.wait_display(lambda x: (ap.shown(x, "ticker") or ("",))[0] ==
                         "TUNNEL", "the tunnel preset in the ticker zone")
    ms = a.messages()
    check(len(ms) == 1 and ms[0]["source"] == "gpio" and
          ms[0]["owner"] == "gpio:tunnel" and ms[0]["end"] is None and
          ms[0]["id"] == ap.shown(doc, "ticker")[1],
          "the stored message: %s" % ms)
    d.wait_log(r"^<5>audit: gpio:tunnel added message %s \(preset tunnel"
               % ms[0]["id"])
    a.sim("tunnel", 0)
    a.wait_display(lambda x: ap.shown(x, "ticker") is None,
                   "the preset gone when the contact opens")
    check(a.messages() == [], "messages left: %s" % a.messages())
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_toggle_contact_flips_on_each_closing_edge(c):
    d, a = start(c, gpio_conf(c))
    a.sim("event", 1)
    a.wait_display(lambda x: (ap.shown(x, "ticker") or ("",))[0] ==
                   "EVENT", "the event preset after the first closing")
    m = a.messages()
    check(len(m) == 1 and m[0]["end"] is not None,
          "toggle shows the preset for its duration_s: %s" % m)
    a.sim("event", 0)       # an opening edge changes nothing
    a.wait(lambda: input_state(a, "event")["value"] == 0, "event open")
    check((ap.shown(a.display(), "ticker") or ("",))[0] == "EVENT",
          "the preset went on an opening edge")
    a.sim("event", 1)
    a.wait_display(lambda x: ap.shown(x, "ticker") is None,
                   "the preset gone after the second closing")
    check(input_state(a, "event")["changes"] == 3,
          "changes %s" % input_state(a, "event"))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_door_open_warns_in_health(c):
    d, a = start(c, gpio_conf(c))
    status, chk = a.check_doc("gpio:inputs")
    check(status == "pass" and chk["status"] == "pass" and
          chk["simulation"] is True and "simulation" in chk["output"],
          "health with the door closed: %s %s" % (status, chk))
    a.sim("door", 1)
    a.wait(lambda: a.check_doc("gpio:inputs")[0] == "warn",
           "health warn with the door open")
    status, chk = a.check_doc("gpio:inputs")
    check(chk["status"] == "warn" and "door open" in chk["output"] and
          chk["inputs"]["door"]["state"] == "open",
          "gpio:inputs with the door open: %s" % chk)
    d.wait_log(r"^<4>gpio door: door open$")
    a.sim("door", 0)
    a.wait(lambda: a.check_doc("gpio:inputs")[0] == "pass",
           "health pass with the door closed again")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_debounce_ignores_a_short_bounce(c):
    conf = gpio_conf(c, gpio={"inputs": inputs(debounce_ms=400)})
    d, a = start(c, conf)
    a.sim("door", 1)
    a.sim("door", 0)          # back within the debounce time
    time.sleep(0.7)
    st = input_state(a, "door")
    check(st["value"] == 0 and st["changes"] == 0,
          "a bounce shorter than debounce_ms counted: %s" % st)
    check(a.check_doc("gpio:inputs")[0] == "pass", "health after a bounce")
    t0 = time.monotonic()
    a.sim("door", 1)
    a.wait(lambda: input_state(a, "door")["value"] == 1, "door open")
    check(time.monotonic() - t0 >= 0.35,
          "the level was taken before debounce_ms had passed")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_brightness_override_and_expiry(c):
    conf = gpio_conf(c, brightness={"mode": "manual", "manual_percent": 80})
    d, a = start(c, conf)
    b = a.bright()
    check(b["percent"] == 80 and b["mode"] == "manual" and
          b["override"] is None, "manual brightness: %s" % b)
    check(a.metric("tafel_brightness_percent") == 80, "metric at 80")
    _, chk = a.check_doc("brightness:level")
    check(chk["observedValue"] == 80 and chk["status"] == "pass",
          "brightness:level %s" % chk)
    s, doc, raw = a.call("PUT", "/api/v1/brightness",
                         {"percent": 40, "duration_s": 2})
    check(s == 200 and doc["percent"] == 40 and
          doc["override"]["percent"] == 40, "PUT: %d %r" % (s, raw[:300]))
    d.wait_log(r"^<5>audit: %s set brightness 40 %% for 2 s$" % ap.OPERATOR)
    check(a.bright()["percent"] == 40, "GET after the override")
    check(a.metric("tafel_brightness_percent") == 40, "metric at 40")
    a.wait(lambda: a.bright()["percent"] == 80, "the override expired",
           timeout=4)
    check(a.bright()["override"] is None, "override left: %s" % a.bright())
    # Bad requests name their field; tokens as for messages.
    for body, field in (({"percent": 101, "duration_s": 5}, "percent"),
                        ({"percent": 10}, "duration_s"),
                        ({"percent": 10, "duration_s": 10 ** 7},
                         "duration_s"),
                        ({"percent": "10", "duration_s": 5}, "percent"),
                        ({"percent": 10, "duration_s": 5, "x": 1}, "x")):
        ap.expect_error(a.call("PUT", "/api/v1/brightness", body), 400,
                        "badField", field, where="PUT %s" % body)
    ap.expect_error(a.call("PUT", "/api/v1/brightness",
                           {"percent": 10, "duration_s": 5}, token=VIEW),
                    403, "forbidden", where="a viewer's override")
    ap.expect_error(a.call("GET", "/api/v1/brightness", token=None), 401,
                    "unauthorized", where="GET without a token")
    s, doc, _ = a.call("PUT", "/api/v1/brightness",
                       {"percent": 5, "duration_s": 600})
    check(s == 200 and a.bright()["percent"] == 5, "second override")
    s, doc, _ = a.call("DELETE", "/api/v1/brightness")
    check(s == 200 and doc["percent"] == 80 and doc["override"] is None,
          "DELETE ends the override: %s" % doc)
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_twilight_switch_dims_the_board(c):
    conf = gpio_conf(c, brightness={
        "mode": "sensor", "sensor": {"twilight_input": "twilight"},
        "latitude": 47.05, "longitude": 8.31, "day_percent": 90,
        "night_percent": 10})
    d, a = start(c, conf)
    check(a.bright()["percent"] == 90, "light: %s" % a.bright())
    a.sim("twilight", 1)
    a.wait(lambda: a.bright()["percent"] == 10, "dark: night_percent")
    check(a.metric("tafel_brightness_percent") == 10, "metric at 10")
    a.sim("twilight", 0)
    a.wait(lambda: a.bright()["percent"] == 90, "light again")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_test_pattern_lights_every_pixel_for_its_seconds(c):
    d, a = start(c, gpio_conf(c))
    png = c.path("snap.png")

    def snapshot():
        s, _, body = a.get("/snapshot.png")
        check(s == 200, "/snapshot.png: %d" % s)
        with open(png, "wb") as f:
            f.write(body)
        return h.read_png(png)

    before = snapshot().colours()
    check(len(before) > 1, "the layout is not drawn: %s" % before)
    a.sim("test", 0)          # active low: pressed
    a.wait(lambda: snapshot().colours() == {(255, 255, 255): 64 * 16},
           "every pixel lit")
    check(a.display().get("cover") == "test_pattern",
          "/api/v1/display during the pattern: %s" % a.display())
    d.wait_log(r"^<5>gpio test: test pattern for 1 s$")
    a.sim("test", 1)
    a.wait(lambda: snapshot().colours() == before,
           "the layout back after 1 s", timeout=3)
    check("cover" not in a.display(), "cover after the pattern: %s"
          % a.display())
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_heartbeat_stops_while_rendering_is_unhealthy(c):
    # Two identical pages: the board is due to change at each page flip
    # but its pixels never do, so after http.stall_s health fails ("the
    # board is frozen") and the heartbeat must stop toggling.
    d, a = start(c, gpio_conf(c, http={"stall_s": 1}))
    t1 = a.gpio()["outputs"]["heartbeat"]["toggles"]
    time.sleep(0.5)
    t2 = a.gpio()["outputs"]["heartbeat"]["toggles"]
    check(t2 - t1 >= 2, "heartbeat toggled %d times in 0.5 s while healthy"
          % (t2 - t1))
    a.post(ap.msg("[pt5o0]SAME[np]SAME", zone="ticker"))
    a.wait(lambda: a.health()[1]["status"] == "fail", "health fail "
           "(a board due to change that does not)", timeout=15)
    d.wait_log(r"^<4>gpio heartbeat: rendering is not healthy; the "
               r"heartbeat stops$")
    t1 = a.gpio()["outputs"]["heartbeat"]["toggles"]
    time.sleep(0.6)
    t2 = a.gpio()["outputs"]["heartbeat"]["toggles"]
    check(t2 == t1, "heartbeat toggled %d times in 0.6 s while health "
          "fails" % (t2 - t1))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_heartbeat_toggles_and_relay_is_on(c):
    d, a = start(c, gpio_conf(c))
    g = a.gpio()
    check(g["outputs"]["relay"]["value"] == 1,
          "relay on at start: %s" % g["outputs"])
    t1 = g["outputs"]["heartbeat"]["toggles"]
    time.sleep(0.6)
    t2 = a.gpio()["outputs"]["heartbeat"]["toggles"]
    check(t2 - t1 >= 3, "heartbeat toggled %d times in 0.6 s at 100 ms"
          % (t2 - t1))
    _, chk = a.check_doc("gpio:outputs")
    check(chk["status"] == "pass" and chk["blank"] is False,
          "gpio:outputs %s" % chk)
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_power_schedule_blanks_board_and_opens_relay(c):
    # The daemon's zone (run.py's configs): windows around its now.
    now = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Zurich"))
    m = now.hour * 60 + now.minute
    hhmm = lambda x: "%02d:%02d" % ((x // 60) % 24, x % 60)  # noqa: E731
    conf = gpio_conf(c, name="blank.json", gpio={"power_schedule": [
        {"off": hhmm((m - 1) % 1440), "on": hhmm((m + 3) % 1440)}]})
    d, a = start(c, conf)
    g = a.gpio()
    check(g["blank"] is True and g["outputs"]["relay"]["value"] == 0,
          "in the window: blank and relay off: %s" % g)
    s, _, body = a.get("/snapshot.png")
    with open(c.path("b.png"), "wb") as f:
        f.write(body)
    check(h.read_png(c.path("b.png")).colours() == {(0, 0, 0): 64 * 16},
          "the board is not dark in the blank window")
    check(a.metric("tafel_board_blank") == 1, "tafel_board_blank")
    check(a.display().get("cover") == "blank",
          "/api/v1/display in the blank window: %s" % a.display())
    check(d.stop() == 0, "SIGTERM: exit code not 0")
    # Outside the window the relay is on.
    conf = gpio_conf(c, name="on.json", gpio={"power_schedule": [
        {"off": hhmm((m + 10) % 1440), "on": hhmm((m + 20) % 1440)}]})
    d, a = start(c, conf)
    g = a.gpio()
    check(g["blank"] is False and g["outputs"]["relay"]["value"] == 1,
          "outside the window: %s" % g)
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_sim_endpoint_refusals(c):
    d, a = start(c, gpio_conf(c))
    ap.expect_error(a.call("POST", "/api/v1/gpio/sim",
                           {"line": "nope", "value": 1}), 404, "notFound",
                    where="an unknown input")
    ap.expect_error(a.call("POST", "/api/v1/gpio/sim",
                           {"line": "door", "value": 2}), 400, "badField",
                    "value", where="value 2")
    ap.expect_error(a.call("POST", "/api/v1/gpio/sim",
                           {"line": "door", "value": 1, "extra": 1}), 400,
                    "badField", "extra", where="an unknown field")
    ap.expect_error(a.call("POST", "/api/v1/gpio/sim",
                           {"line": "door", "value": 1}, token=None),
                    401, "unauthorized", where="no token")
    ap.expect_error(a.call("POST", "/api/v1/gpio/sim",
                           {"line": "door", "value": 1}, token=VIEW),
                    403, "forbidden", where="a viewer token")
    ap.expect_error(a.call("POST", "/api/v1/gpio/sim", b"{"), 400,
                    "badJson", where="bad JSON")
    check(input_state(a, "door")["value"] == 0, "a refused set changed it")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_restart_and_reload_keep_contacts_right(c):
    conf = gpio_conf(c)
    d, a = start(c, conf)
    a.sim("tunnel", 1)
    a.sim("event", 1)
    a.sim("door", 1)
    a.wait(lambda: len(a.messages()) == 2, "two gpio messages")
    # A reload with the same gpio section keeps the lines and levels.
    n = d.hup()
    d.wait_log(r"^<5>reloaded: ", after=n)
    check(input_state(a, "door")["value"] == 1 and
          len(a.messages()) == 2, "after a reload: %s %s"
          % (input_state(a, "door"), a.messages()))
    check(d.stop() == 0, "SIGTERM: exit code not 0")
    # After a restart the simulated tunnel contact reads open again: its
    # message goes; the toggled one stays.
    d, a = start(c, conf)
    ms = a.messages()
    check([m["owner"] for m in ms] == ["gpio:event"],
          "after a restart: %s" % ms)
    # A reload that drops the event input drops its message.
    cfg = json.load(open(conf))
    cfg["gpio"]["inputs"] = [i for i in cfg["gpio"]["inputs"]
                             if i["name"] != "event"]
    c.write("conf.json", cfg)
    n = d.hup()
    d.wait_log(r"^<5>reloaded: ", after=n)
    check(a.messages() == [], "after dropping the input: %s"
          % a.messages())
    check(d.stop() == 0, "SIGTERM: exit code not 0")


# A chip no machine has (the tests run on machines with GPIO too), and
# the lines of gpio_conf() that the missing-chip error names.
NOCHIP = "tafel-no-such-chip"
NEEDS = "inputs tunnel, event, door, twilight, test; outputs heartbeat, relay"


@case
def test_gpiod_missing_chip_required_refuses_to_start(c):
    conf = gpio_conf(c, gpio={"backend": "gpiod", "chip": NOCHIP,
                              "required": True})
    rc, _, err = c.tafeld("-c", conf)
    check(rc != 0, "tafeld ran without its required chip: %r" % err)
    h.expect_error(err, 'gpio: chip "%s": no such chip (%s)' % (NOCHIP, NEEDS),
                   "gpio.required")


@case
def test_gpiod_missing_chip_optional_runs_and_warns(c):
    conf = gpio_conf(c, gpio={"backend": "gpiod", "chip": "/dev/" + NOCHIP,
                              "required": False})
    d, a = start(c, conf)
    d.wait_log(r'^<3>gpio: chip "/dev/%s": no such chip \(%s\); running '
               r"without GPIO$" % (NOCHIP, re.escape(NEEDS)))
    status, chk = a.check_doc("gpio:inputs")
    check(status == "warn" and chk["status"] == "warn" and
          chk["available"] is False and NOCHIP in chk["error"],
          "health without the optional chip: %s %s" % (status, chk))
    ap.expect_error(a.call("POST", "/api/v1/gpio/sim",
                           {"line": "door", "value": 1}), 409, "conflict",
                    where="sim on the gpiod backend")
    # The board still works: a message shows.
    a.post(ap.msg("HELLO", zone="ticker"))
    a.wait_display(lambda x: (ap.shown(x, "ticker") or ("",))[0] ==
                   "HELLO", "a message without GPIO")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_config_errors_name_the_path(c):
    conf = gpio_conf(c, gpio={
        "inputs": [
            {"name": "a", "line": 1, "role": "contact", "preset": "nope"},
            {"name": "a", "line": 1, "role": "door"},
            {"name": "b", "line": True, "role": "door"},
            {"name": "c", "line": 2, "role": "contact"},
            {"name": "d", "line": 3, "role": "door", "preset": "tunnel"}],
        "outputs": [{"name": "o", "line": 9, "role": "blinker"}],
        "power_schedule": [{"off": "25:00", "on": "05:00"}]},
        brightness={"mode": "schedule", "schedule": [
            {"time": "7:00", "percent": 50}],
            "sensor": {"twilight_input": "a"}})
    rc, _, err = c.tafeld("-n", "-c", conf)
    check(rc == 1, "-n exit %d" % rc)
    for part in ('gpio.inputs[0].preset: no preset "nope"',
                 'gpio.inputs[1].name: "a" already used by gpio.inputs[0]',
                 "gpio.inputs[1].line: already used by gpio.inputs[0]",
                 "gpio.inputs[2].line: expected integer or string, got "
                 "boolean",
                 "gpio.inputs[3].preset: required for role contact",
                 "gpio.inputs[4].preset: only for role contact",
                 'gpio.outputs[0].role: "blinker" is not one of',
                 'gpio.power_schedule[0].off: "25:00" is not HH:MM',
                 'brightness.schedule[0].time: "7:00" is not HH:MM',
                 'brightness.sensor.twilight_input: no gpio input "a" with '
                 "role twilight"):
        h.expect_error(err, part)
    # Sun mode needs a place (the controller's own check).
    conf = gpio_conf(c, name="sun.json", brightness={"mode": "sun"})
    rc, _, err = c.tafeld("-n", "-c", conf)
    check(rc == 1 and "brightness.latitude" in err,
          "sun mode without a place: %d %r" % (rc, err))
    conf = gpio_conf(c, name="ok.json", brightness={
        "mode": "sun", "latitude": 47.05, "longitude": 8.31})
    rc, out, err = c.tafeld("-n", "-c", conf)
    check(rc == 0 and "configuration OK" in out, "good config: %r" % err)


@case
def test_sensor_file_levels_hysteresis_and_fallback(c):
    lux = c.path("lux")

    def put(v):
        with open(lux + ".part", "w") as f:
            f.write("%d\n" % v)
        os.rename(lux + ".part", lux)

    put(50)
    conf = gpio_conf(c, brightness={
        "mode": "sensor", "latitude": 47.05, "longitude": 8.31,
        "sensor": {"file": "lux", "interval_s": 1},
        "table": [{"up": 0, "down": 0, "percent": 10},
                  {"up": 100, "down": 80, "percent": 60}]})
    d, a = start(c, conf)
    a.wait(lambda: a.bright()["percent"] == 10, "level 0 at 50")
    put(120)
    a.wait(lambda: a.bright()["percent"] == 60, "level 1 at 120")
    put(90)                  # between down and up: stays
    time.sleep(1.5)
    check(a.bright()["percent"] == 60, "flapped at 90: %s" % a.bright())
    put(70)
    a.wait(lambda: a.bright()["percent"] == 10, "level 0 at 70")
    check(a.check_doc("brightness:level")[1]["status"] == "pass",
          "brightness warns with a working sensor")
    os.unlink(lux)           # the sensor is gone: sun mode, and warn
    a.wait(lambda: a.bright()["fallback"] is True, "fallback to sun mode")
    status, chk = a.check_doc("brightness:level")
    check(status == "warn" and chk["status"] == "warn" and
          chk.get("output"), "health with a missing sensor: %s %s"
          % (status, chk))
    d.wait_log(r"^<4>brightness: cannot read %s$" % re.escape(lux))
    put(120)
    a.wait(lambda: a.bright()["percent"] == 60 and
           a.bright()["fallback"] is False, "the sensor back")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_backlight_file_gets_the_brightness(c):
    bl = c.path("backlight")
    os.mkdir(bl)
    with open(os.path.join(bl, "max_brightness"), "w") as f:
        f.write("255\n")
    with open(os.path.join(bl, "brightness"), "w") as f:
        f.write("255\n")
    conf = gpio_conf(c, brightness={
        "mode": "manual", "manual_percent": 40,
        "backlight_file": "backlight/brightness"})

    def written():
        with open(os.path.join(bl, "brightness")) as f:
            return int(f.read().strip() or -1)

    d, a = start(c, conf)
    a.wait(lambda: abs(written() - 102) <= 1, "40 %% of 255 written")
    check(a.bright()["drive"] == os.path.join(bl, "brightness"),
          "drive %s" % a.bright())
    a.call("PUT", "/api/v1/brightness", {"percent": 100, "duration_s": 60})
    a.wait(lambda: written() == 255, "the override written")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_tafelctl_gpio_and_brightness(c):
    ctl = os.path.join(os.path.dirname(h.TAFELD), "tafelctl")
    if not os.access(ctl, os.X_OK):
        raise Fail("%s: not built" % ctl)
    d, a = start(c, gpio_conf(c))
    env = dict(os.environ, TAFEL_SERVER="http://127.0.0.1:%d" % a.port,
               TAFEL_TOKEN=OP, XDG_CONFIG_HOME=c.dir)

    def run(*args):
        p = subprocess.run([ctl] + list(args), env=env, text=True,
                           capture_output=True, timeout=10)
        return p.returncode, p.stdout, p.stderr

    rc, out, err = run("gpio", "set", "door", "1")
    check(rc == 0 and out == "door set to 1\n", "set: %d %r %r"
          % (rc, out, err))
    a.wait(lambda: input_state(a, "door")["value"] == 1, "door open")
    rc, out, err = run("gpio")
    check(rc == 0 and "chip gpiochip0 (simulation)\n" in out and
          re.search(r"^input  door +door +open$", out, re.M) and
          re.search(r"^output relay +power_relay +on$", out, re.M),
          "gpio: %d %r %r" % (rc, out, err))
    rc, out, err = run("gpio", "set", "nope", "1")
    check(rc == 1 and 'no gpio input "nope"' in err, "unknown input: %d %r"
          % (rc, err))
    rc, out, err = run("gpio", "set", "door", "2")
    check(rc == 64, "level 2: %d %r" % (rc, err))
    rc, out, err = run("brightness", "30", "10m")
    check(rc == 0 and out.startswith("30 % (manual mode") and
          "override until" in out, "brightness 30 10m: %d %r %r"
          % (rc, out, err))
    b = a.bright()
    check(b["percent"] == 30 and b["override"] is not None, "%s" % b)
    rc, out, err = run("brightness", "auto")
    check(rc == 0 and out.startswith("100 % (manual mode"),
          "brightness auto: %d %r %r" % (rc, out, err))
    rc, out, err = run("--json", "brightness")
    check(rc == 0 and json.loads(out)["percent"] == 100,
          "--json brightness: %r" % out)
    rc, out, err = run("brightness", "101")
    check(rc == 64, "brightness 101: %d %r" % (rc, err))
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_metrics_pass_promtool(c):
    check(os.access(PROMTOOL, os.X_OK), "%s is missing: apt-get install "
          "-y prometheus" % PROMTOOL)
    d, a = start(c, gpio_conf(c))
    a.sim("door", 1)
    a.wait(lambda: input_state(a, "door")["value"] == 1, "door open")
    _, _, page = a.get("/metrics")
    page = page.decode()
    p = subprocess.run([PROMTOOL, "check", "metrics"], input=page,
                       capture_output=True, text=True, timeout=10)
    check(p.returncode == 0, "promtool check metrics: exit %d:\n%s%s"
          % (p.returncode, p.stdout, p.stderr))
    for line in ('tafel_gpio_input{name="door",role="door"} 1',
                 'tafel_gpio_input{name="tunnel",role="contact"} 0',
                 'tafel_gpio_output{name="relay",role="power_relay"} 1',
                 "tafel_gpio_up 1", "tafel_board_blank 0",
                 "tafel_brightness_percent 100"):
        check(line in page.splitlines(), "/metrics lacks %r" % line)
    check(d.stop() == 0, "SIGTERM: exit code not 0")


@case
def test_reload_to_a_missing_chip_keeps_running_and_warns(c):
    conf = gpio_conf(c)
    d, a = start(c, conf)
    cfg = json.load(open(conf))
    cfg["gpio"].update({"backend": "gpiod", "chip": NOCHIP})
    c.write("conf.json", cfg)
    n = d.hup()
    d.wait_log(r'^<3>gpio: chip "%s": no such chip \(%s\); running '
               r"without GPIO$" % (NOCHIP, re.escape(NEEDS)), after=n)
    d.wait_log(r"^<5>reloaded: ", after=n)
    status, chk = a.check_doc("gpio:inputs")
    check(status == "warn" and chk["available"] is False and
          chk["backend"] == "gpiod", "after the reload: %s %s"
          % (status, chk))
    # Back to the simulation: the lines come back, health passes.
    cfg["gpio"].update({"backend": "sim", "chip": "gpiochip0"})
    c.write("conf.json", cfg)
    n = d.hup()
    d.wait_log(r"^<5>reloaded: ", after=n)
    a.wait(lambda: a.check_doc("gpio:inputs")[0] == "pass",
           "health pass with the simulated lines back")
    check(d.stop() == 0, "SIGTERM: exit code not 0")


def main(argv):
    return h.main_for(CASES, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
