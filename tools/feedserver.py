#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tafel authors
"""A local fixture feed server for the demo and the integration tests.

    python3 tools/feedserver.py [--port N] [--bind ADDR] [--dir DIR] [--quiet]

Listens on 127.0.0.1 (or another loopback address given with --bind, e.g.
::1) and prints exactly one line, "feedserver: listening on
http://127.0.0.1:PORT", once it accepts connections (--port 0, the default,
picks a free port).  SIGTERM and SIGINT stop it with exit code 0.  Requests
are logged to stderr, one short line each, unless --quiet.  Python 3
standard library only.

Endpoints
  GET  /pls-luzern   A simulated Lucerne PLS feed (FEEDS.md §6.3): the real
                     codes, names and capacities; the counts follow slow sine
                     waves of wall time and change in steps every STEP_S
                     seconds, the same for every client at the same time.
                     Löwencenter is full part of the time, Nationalhof is
                     closed (opened: false), Parkhaus Sportgebäude is in
                     maintenance.  datestamp is the time of the request
                     (whole seconds) in Europe/Zurich with its offset, so the
                     document, its ETag and Last-Modified change every
                     second; "frozen" keeps one document (and gets 304s).
  GET  /datex2-traveltime
                     Simulated DATEX II 2.3 travel times
                     (ElaboratedDataPublication, TravelTimeData) on four
                     Lucerne routes, TRAVEL_ROUTES: travel and free-flow
                     time in seconds, the delay a slow wave of wall time
                     that changes every STEP_S seconds; LU-HORW always has
                     dataError.  measurementOrCalculationTime is the time
                     of the request (whole seconds, UTC).
  GET  /datex2-situation
                     Simulated DATEX II 2.3 SituationPublication: an
                     accident on the A2 (high, active) during the first 6
                     minutes of every 10, a queue on the A14 (medium, by
                     validity time) from minute 5 of every hour for 58
                     minutes, roadworks on the Seebrücke (low, yesterday to
                     tomorrow), an event without validity (lowest) and a
                     suspended tunnel closure (never shown).
  GET  /stationboard A simulated transport.opendata.ch stationboard for
                     Luzern: an hourly timetable (STATION_TIMETABLE) from 3
                     minutes ago on, 15 departures, with delays that come
                     and go, so the next departures are always upcoming.
  GET  /files/NAME   A file from --dir (nothing outside it).
  Both send ETag and Last-Modified, answer 304 to a matching If-None-Match
  (or, without one, If-Modified-Since), and gzip the body when the request
  accepts gzip.

  POST /control      {"path": "/pls-luzern", "mode": MODE, "count": N, ...}
                     sets how PATH answers from now on: for the next N
                     requests (then the setting before this one again), or
                     until changed.  MODE:
                       ok            normal answers
                       500 404       that status, a short body
                       429           429 with Retry-After (option
                                     "retry_after", default 2)
                       hang          read the request, send nothing, hold
                                     the connection until the client gives
                                     up or the server stops (at most
                                     HANG_MAX_S)
                       slow          the normal answer, its body dribbled
                                     over "seconds" (default 5) seconds
                       truncated     Content-Length of the whole document,
                                     half of it sent, then the connection
                                     closed
                       oversize      a valid-looking PLS document of
                                     "mib" (default 9) MiB, streamed
                       gzip-bomb     gzip-encoded (whatever the request
                                     accepts) PLS document of "mib"
                                     (default 64) MiB that is small on the
                                     wire
                       garbage       200 with 4 KiB of random bytes
                       html          200 with an nginx "502 Bad Gateway"
                                     page
                       error-object  200 {"status":"error","message":...}
                       frozen        the feed stops: the last document
                                     served on PATH, kept as it is with its
                                     old datestamps (same ETag, so 304s
                                     too).  For /pls-luzern with "age_s"
                                     and/or "override", or when nothing was
                                     served yet: a document made now (as of
                                     age_s seconds ago) and kept.
                       empty         200 with an empty body
                       304-bare      304 Not Modified without ETag or
                                     Last-Modified, whatever the request
                                     asks (a server or cache that does not
                                     repeat the validators)
                     Also for /pls-luzern: "override": {CODE: {FIELD:
                     VALUE}} changes fields of car parks in every document
                     (null sets null; {"CODE": null} removes the car park).
                     Each POST replaces PATH's previous setting.
  GET  /control      the current settings per path
  GET  /stats        {"requests": {path: n}, "status": {path: {status: n}},
                      "headers": {path: {header: value}} (of the last
                      request), "times": {path: [unix times of the last
                      requests]}, "etag": {path: ETag last sent},
                      "encoding": {path: Content-Encoding of the last
                      document sent, "identity" or "gzip"},
                      "log": {path: [[unix time of a request, its status
                      ("hang" for one that got nothing)], ...]}}
  GET  /last/PATH    the last document sent with 200 on /PATH (identity
                     encoding), e.g. /last/pls-luzern, with X-Served-At.

The frozen mode works for every simulated path: the last document served
(or, before any, one made now) is kept with its old times.

Every handler is bounded: socket timeouts, at most MAX_CONNECTIONS
connections at a time (more are closed at once), request bodies of at most
64 KiB, a bounded number of paths in the statistics.
"""

import argparse
import calendar
import datetime
import email.utils
import gzip
import hashlib
import ipaddress
import json
import math
import os
import select
import signal
import socket
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STEP_S = 3               # the simulated counts change this often
HANG_MAX_S = 300         # a hanging request is given up after this long
SOCKET_TIMEOUT_S = 30    # idle keep-alive connections, stalled writes
MAX_CONNECTIONS = 128
MAX_BODY = 64 * 1024     # POST /control
MAX_PATHS = 256          # distinct paths tracked in /stats
MAX_TIMES = 100          # request times kept per path
MAX_GZIP_FILE = 4 << 20  # larger files are sent without gzip
CHUNK = 64 * 1024

MODES = ("ok", "500", "404", "429", "hang", "slow", "truncated", "oversize",
         "gzip-bomb", "garbage", "html", "error-object", "frozen", "empty",
         "304-bare")

# FEEDS.md §6.3: code, description, capacity, then the simulation: wave
# period (s), mid level and amplitude as fractions of the capacity, and a
# special role.
CAR_PARKS = [
    ("SP01", "am Gütsch", 100, 150, 0.55, 0.30, None),
    ("SP02", "Altstadt", 456, 120, 0.35, 0.25, None),
    ("SP03", "Kesselturm", 340, 170, 0.30, 0.22, None),
    ("SP04", "Kantonalbank", 280, 200, 0.45, 0.30, None),
    ("SP05", "Bahnhofparking P1+P2", 453, 110, 0.25, 0.20, None),
    ("SP06", "Bahnhofparking P3", 447, 140, 0.50, 0.25, None),
    ("NP07", "Schweizerhof", 250, 160, 0.40, 0.30, None),
    ("NP08", "Casino-Palace", 250, 130, 0.20, 0.15, None),
    ("NP11", "City-Parking", 450, 190, 0.60, 0.25, None),
    ("NP12", "Löwencenter", 345, 90, 0.08, 0.30, "full"),
    ("NP13", "Nationalhof", 220, 100, 0.50, 0.20, "closed"),
    ("AP01", "Parkhaus Sportgebäude", 280, 100, 0.70, 0.20, "maintenance"),
    ("PKF", "Parkhaus Flora", 65, 80, 0.40, 0.35, None),
]


# ---------------------------------------------------------------------------
# Time: Europe/Zurich by the EU rule (no tz database needed)
# ---------------------------------------------------------------------------

def _last_sunday(year, month):
    last = calendar.monthrange(year, month)[1]
    d = datetime.date(year, month, last)
    return last - (d.weekday() + 1) % 7


def zurich_offset_s(t):
    """UTC offset of Europe/Zurich at unix time t: CEST (+2 h) from 01:00
    UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
    October, CET (+1 h) otherwise."""
    u = datetime.datetime.fromtimestamp(int(t), datetime.timezone.utc)
    start = datetime.datetime(u.year, 3, _last_sunday(u.year, 3), 1,
                              tzinfo=datetime.timezone.utc)
    end = datetime.datetime(u.year, 10, _last_sunday(u.year, 10), 1,
                            tzinfo=datetime.timezone.utc)
    return 7200 if start <= u < end else 3600


def zurich_iso(t):
    off = zurich_offset_s(t)
    local = datetime.datetime.fromtimestamp(int(t), datetime.timezone.utc) \
        + datetime.timedelta(seconds=off)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + "+%02d:00" % (off // 3600)


# ---------------------------------------------------------------------------
# The simulated Lucerne feed
# ---------------------------------------------------------------------------

def _unit(*parts):
    """A deterministic number in [0, 1) from parts."""
    h = hashlib.sha256(repr(parts).encode()).digest()
    return int.from_bytes(h[:8], "big") / 2.0 ** 64


def pls_items(t):
    """The car parks as of unix time t: the counts change every STEP_S
    seconds; datestamp is t in whole seconds (the time of the reading)."""
    step = int(t // STEP_S)
    ts = int(t)
    out = []
    for code, name, cap, period, mid, amp, role in CAR_PARKS:
        phase = _unit(code) * 2 * math.pi
        f = mid + amp * math.sin(2 * math.pi * ts / period + phase)
        free = round(cap * f)
        if free > 0:
            free += round((_unit(code, step) - 0.5) * 6)
        free = max(0, min(cap, free))
        item = {"description": name, "vacancy": free, "capacity": cap,
                "opened": True, "maintenance": False,
                "datestamp": zurich_iso(ts)}
        if role == "closed":
            item["opened"] = False
            item["vacancy"] = 0
        elif role == "maintenance":
            item["maintenance"] = True
        out.append((code, item))
    return ts, out


def pls_document(t, override=None):
    ts, items = pls_items(t)
    parkings = {}
    for code, item in items:
        parkings[code] = item
    for code, fields in (override or {}).items():
        if fields is None:
            parkings.pop(code, None)
            continue
        parkings.setdefault(code, {}).update(fields)
    doc = {"status": "success", "data": {"parkings": parkings}}
    body = json.dumps(doc, ensure_ascii=False, indent=1).encode() + b"\n"
    return body, ts


def oversize_parts(mib):
    """A PLS document of at least mib MiB, as (total length, generator of
    chunks), without holding it in memory."""
    head = b'{"status":"success","data":{"parkings":{'
    tail = b'}}}\n'
    item = ('"X%07d":{"description":"Padding %07d","vacancy":10,'
            '"capacity":100,"opened":true,"maintenance":false,'
            '"datestamp":"' + zurich_iso(time.time()) + '",'
            '"note":"' + "x" * 120 + '"}')
    item_len = len((item % (0, 0)).encode())
    n = (mib * (1 << 20)) // (item_len + 1) + 1
    total = len(head) + n * item_len + (n - 1) + len(tail)

    def gen():
        yield head
        buf, i = [], 0
        while i < n:
            buf.append((item % (i, i)).encode())
            i += 1
            if len(buf) == 256 or i == n:
                yield b",".join(buf) + (b"," if i < n else b"")
                buf = []
        yield tail
    return total, gen


# ---------------------------------------------------------------------------
# Simulated traffic: DATEX II travel times and situations, a stationboard
# ---------------------------------------------------------------------------

DATEX23_NS = "http://datex2.eu/schema/2/2_0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# Route id (predefined location reference), free-flow s, largest extra
# delay s, wave period s; None as the delay: the route reports dataError.
TRAVEL_ROUTES = [
    ("LU-ZENTRUM", 480, 420, 180),
    ("LU-BAHNHOF", 360, 240, 240),
    ("LU-A2-NORD", 720, 1500, 300),
    ("LU-HORW", 600, None, 0),
]


def utc_iso(t):
    return datetime.datetime.fromtimestamp(
        int(t), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _datex23(kind, ts, body):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<d2LogicalModel xmlns="%s" xmlns:xsi="%s" '
            'modelBaseVersion="2">\n'
            ' <exchange><supplierIdentification><country>ch</country>'
            '<nationalIdentifier>tafel-demo</nationalIdentifier>'
            '</supplierIdentification></exchange>\n'
            ' <payloadPublication xsi:type="%s" lang="de">\n'
            '  <publicationTime>%s</publicationTime>\n'
            '  <publicationCreator><country>ch</country>'
            '<nationalIdentifier>tafel-demo</nationalIdentifier>'
            '</publicationCreator>\n%s'
            ' </payloadPublication>\n</d2LogicalModel>\n'
            % (DATEX23_NS, XSI_NS, kind, utc_iso(ts), body)).encode()


def traveltime_routes(t):
    """(route id, travel s or None for dataError, free-flow s) at t."""
    step = int(t // STEP_S) * STEP_S
    out = []
    for rid, free, extra, period in TRAVEL_ROUTES:
        if extra is None:
            out.append((rid, None, free))
            continue
        phase = _unit(rid) * 2 * math.pi
        wave = math.sin(2 * math.pi * step / period + phase)
        out.append((rid, free + max(0.0, wave) * extra, free))
    return out


def traveltime_document(t):
    ts = int(t)
    parts = []
    for rid, travel, free in traveltime_routes(ts):
        tt = ('<travelTime><dataError>true</dataError>'
              '<duration>0</duration></travelTime>' if travel is None else
              '<travelTime><duration>%.1f</duration></travelTime>' % travel)
        parts.append(
            '  <elaboratedData><basicData xsi:type="TravelTimeData">\n'
            '   <measurementOrCalculationTime>%s'
            '</measurementOrCalculationTime>\n'
            '   <pertinentLocation xsi:type="LocationByReference">'
            '<predefinedLocationReference targetClass="PredefinedLocation" '
            'id="%s" version="1"/></pertinentLocation>\n'
            '   <travelTimeTrendType>stable</travelTimeTrendType>'
            '<travelTimeType>estimated</travelTimeType>\n'
            '   %s\n   <freeFlowTravelTime><duration>%.1f</duration>'
            '</freeFlowTravelTime>\n'
            '  </basicData></elaboratedData>\n'
            % (utc_iso(ts), rid, tt, free))
    return _datex23("ElaboratedDataPublication", ts, "".join(parts)), ts


def _situation(sid, rtype, severity, validity, road, extra="",
               created=0):
    """One situation with one record; validity is the <validity> XML or
    ""; road is (roadNumber or None, roadName or None, destination)."""
    number, name, dest = road
    info = ""
    if number:
        info += "<roadNumber>%s</roadNumber>" % number
    if name:
        info += "<roadName><values><value lang=\"de\">%s</value></values>" \
                "</roadName>" % name
    if dest:
        info += "<roadDestination>%s</roadDestination>" % dest
    when = utc_iso(created)
    return ('  <situation id="%s" version="1">\n'
            '   <overallSeverity>%s</overallSeverity>\n'
            '   <headerInformation><confidentiality>noRestriction'
            '</confidentiality><informationStatus>real</informationStatus>'
            '</headerInformation>\n'
            '   <situationRecord xsi:type="%s" id="%s-R1" version="1">\n'
            '    <situationRecordCreationTime>%s'
            '</situationRecordCreationTime>\n'
            '    <situationRecordVersionTime>%s'
            '</situationRecordVersionTime>\n'
            '    <probabilityOfOccurrence>certain</probabilityOfOccurrence>\n'
            '    <severity>%s</severity>\n%s'
            '    <groupOfLocations xsi:type="Linear">'
            '<supplementaryPositionalDescription><roadInformation>%s'
            '</roadInformation></supplementaryPositionalDescription>'
            '</groupOfLocations>\n%s'
            '   </situationRecord>\n  </situation>\n'
            % (sid, severity, rtype, sid, when, when, severity, validity,
               info, extra))


def _validity(status, start=None, end=None):
    spec = ""
    if start is not None:
        spec = "<validityTimeSpecification><overallStartTime>%s" \
               "</overallStartTime>" % utc_iso(start)
        if end is not None:
            spec += "<overallEndTime>%s</overallEndTime>" % utc_iso(end)
        spec += "</validityTimeSpecification>"
    return "    <validity><validityStatus>%s</validityStatus>%s" \
           "</validity>\n" % (status, spec)


def situation_document(t):
    ts = int(t)
    hour = ts - ts % 3600
    day = ts - ts % 86400
    parts = []
    if ts % 600 < 360:
        parts.append(_situation(
            "DEMO-A2-UNFALL", "Accident", "high",
            _validity("active", ts - ts % 600),
            ("A2", None, "Basel"), "    <accidentType>collision"
            "</accidentType>\n", ts - ts % 600))
    # The queue's gap (minutes 3 and 4) falls while the accident shows:
    # the ticker always has at least three items (tests rely on it).
    q_start = hour + 300 if ts % 3600 >= 300 else hour - 3300
    parts.append(_situation(
        "DEMO-A14-STAU", "AbnormalTraffic", "medium",
        _validity("definedByValidityTimeSpec", q_start, q_start + 3480),
        ("A14", None, "Zug"), "    <abnormalTrafficType>queuingTraffic"
        "</abnormalTrafficType>\n    <queueLength>2500</queueLength>\n",
        hour))
    parts.append(_situation(
        "DEMO-SEEBRUECKE", "MaintenanceWorks", "low",
        _validity("definedByValidityTimeSpec", day - 86400,
                  day + 86400 + 17 * 3600),
        (None, "Seebrücke", None), "", day - 86400))
    parts.append(_situation(
        "DEMO-KKL", "PublicEvent", "lowest", "",
        (None, "Europaplatz", None), "    <publicEventType>concert"
        "</publicEventType>\n", day))
    parts.append(_situation(
        "DEMO-TUNNEL", "RoadOrCarriagewayOrLaneManagement", "highest",
        _validity("suspended", day),
        ("A2", "Sonnenbergtunnel", None),
        "    <roadOrCarriagewayOrLaneManagementType>roadClosed"
        "</roadOrCarriagewayOrLaneManagementType>\n", day))
    # Everything here changes on a minute boundary at most.
    return _datex23("SituationPublication", ts, "".join(parts)), ts - ts % 60


# Minute of the hour, category, number (or train number base: + 2 per
# hour), destination, platform.
STATION_TIMETABLE = [
    (4, "S", "S1", "Baar Lindenpark", "12"),
    (7, "IR", 2400, "Basel SBB", "7"),
    (10, "RE", 4000, "Olten", "6"),
    (12, "IR", 2300, "Zürich HB", "8"),
    (18, "S", "S41", "Sursee", "14"),
    (22, "IR", 2500, "Locarno", "4"),
    (25, "S", "S3", "Brunnen", "13"),
    (34, "S", "S1", "Baar Lindenpark", "12"),
    (35, "IR", 2600, "Bern", "5"),
    (40, "B", "1", "Obernau Dorf", ""),
    (42, "IR", 2302, "Zürich HB", "8"),
    (48, "S", "S6", "Wolhusen", "15"),
    (52, "IC", 2800, "Genève-Aéroport", "3"),
]
STATIONBOARD_LIMIT = 15
STATION = {"id": "8505000", "name": "Luzern", "score": None,
           "coordinate": {"type": "WGS84", "x": 47.050168, "y": 8.310185},
           "distance": None}


def _offset_str(t):
    off = zurich_offset_s(t)
    return "%s%+03d00" % (datetime.datetime.fromtimestamp(
        int(t) + off, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
        off // 3600)


def stationboard_document(t):
    """The departures from 3 minutes ago on (the daemon drops those gone),
    in the timetable's local minutes; delays change every 2 minutes."""
    ts = int(t)
    local = ts + zurich_offset_s(ts)
    hour0 = local - local % 3600 - 3600
    board = []
    for h in range(4):
        base = hour0 + h * 3600
        for minute, cat, num, to, plat in STATION_TIMETABLE:
            dep_local = base + minute * 60
            dep = dep_local - zurich_offset_s(dep_local - 3600)
            if dep < ts - 180:
                continue
            if isinstance(num, int):
                num = str(num + 2 * ((base // 3600) % 24))
            u = _unit(num, dep, ts // 120)
            delay = None if u < 0.3 else (0 if u < 0.6 else
                                          int(1 + (u - 0.6) * 12))
            prog = plat if u < 0.95 or not plat else str(int(plat) + 1)
            board.append({
                "stop": {"station": STATION, "arrival": None,
                         "arrivalTimestamp": None,
                         "departure": _offset_str(dep),
                         "departureTimestamp": dep, "delay": delay,
                         "platform": plat or None,
                         "prognosis": {"platform": prog if prog != plat
                                       else None, "arrival": None,
                                       "departure": None,
                                       "capacity1st": None,
                                       "capacity2nd": None},
                         "realtimeAvailability": None,
                         "location": STATION},
                "name": None, "category": cat, "subcategory": None,
                "categoryCode": None, "number": num,
                "operator": "VBL" if cat == "B" else "SBB", "to": to,
                "passList": [], "capacity1st": None, "capacity2nd": None})
    board.sort(key=lambda e: e["stop"]["departureTimestamp"])
    doc = {"station": STATION, "stationboard": board[:STATIONBOARD_LIMIT]}
    body = json.dumps(doc, ensure_ascii=False, indent=1).encode() + b"\n"
    # The document changes with the delays, every 2 minutes.
    return body, ts - ts % 120


SIMULATED = {
    "/datex2-traveltime": (traveltime_document, "application/xml"),
    "/datex2-situation": (situation_document, "application/xml"),
    "/stationboard": (stationboard_document,
                      "application/json; charset=utf-8"),
}


NGINX_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
             b"<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
             b"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


def etag_of(body):
    return '"%s"' % hashlib.sha1(body).hexdigest()[:20]


def http_date(t):
    return email.utils.formatdate(t, usegmt=True)


# ---------------------------------------------------------------------------
# Shared state
# ---------------------------------------------------------------------------

class State:
    def __init__(self, folder):
        self.lock = threading.Lock()
        self.folder = os.path.realpath(folder) if folder else None
        self.settings = {}    # path -> dict(mode, count, options...)
        self.requests = {}
        self.status = {}
        self.headers = {}
        self.times = {}
        self.etags = {}
        self.encodings = {}
        self.log = {}
        self.last = {}        # path -> (body, doc time, served at)
        self.stopping = threading.Event()

    def _key(self, path):
        if path in self.requests or len(self.requests) < MAX_PATHS:
            return path
        return "(other)"

    def count_request(self, path, headers):
        with self.lock:
            k = self._key(path)
            self.requests[k] = self.requests.get(k, 0) + 1
            self.headers[k] = {n: v[:1024] for n, v in
                               list(headers.items())[:64]}
            times = self.times.setdefault(k, [])
            times.append(round(time.time(), 3))
            del times[:-MAX_TIMES]
            # The mode this request gets; a counted one is used up.
            s = self.settings.get(path)
            if not s:
                return {"mode": "ok"}
            s = dict(s)
            if s.get("count") is not None:
                left = self.settings[path]["count"] - 1
                if left > 0:
                    self.settings[path]["count"] = left
                elif s.get("_prev"):
                    self.settings[path] = s["_prev"]
                else:
                    del self.settings[path]
            return s

    def public_settings(self):
        """The settings without internals (call with the lock held)."""
        return {p: {k: v for k, v in s.items() if not k.startswith("_")}
                for p, s in self.settings.items()}

    def count_status(self, path, status, t):
        with self.lock:
            k = self._key(path)
            per = self.status.setdefault(k, {})
            per[str(status)] = per.get(str(status), 0) + 1
            log = self.log.setdefault(k, [])
            log.append([round(t, 3), str(status)])
            del log[:-MAX_TIMES]

    def stats(self):
        with self.lock:
            return {"requests": dict(self.requests),
                    "status": {k: dict(v) for k, v in self.status.items()},
                    "headers": {k: dict(v) for k, v in self.headers.items()},
                    "times": {k: list(v) for k, v in self.times.items()},
                    "etag": dict(self.etags),
                    "encoding": dict(self.encodings),
                    "log": {k: [list(e) for e in v]
                            for k, v in self.log.items()}}


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "feedserver/1"
    timeout = SOCKET_TIMEOUT_S

    @property
    def st(self):
        return self.server.state

    def log_message(self, fmt, *args):
        if not self.server.quiet:
            sys.stderr.write("feedserver: %s\n" % (fmt % args))

    # -- plumbing ----------------------------------------------------------

    def _path(self):
        return urllib.parse.urlsplit(self.path).path or "/"

    def _send(self, status, body=b"", ctype="application/json",
              extra=None, record=True):
        if record:
            self._status(status)
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        for n, v in (extra or {}).items():
            self.send_header(n, v)
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _status(self, status):
        self.st.count_status(self._path(), status,
                             getattr(self, "t_req", time.time()))

    def _json(self, status, obj):
        self._send(status, json.dumps(obj, ensure_ascii=False, indent=1)
                   .encode() + b"\n", record=False)

    def _accepts_gzip(self):
        for part in self.headers.get("Accept-Encoding", "").split(","):
            bits = [b.strip() for b in part.split(";")]
            if bits[0].lower() not in ("gzip", "x-gzip", "*"):
                continue
            q = 1.0
            for b in bits[1:]:
                if b.lower().startswith("q="):
                    try:
                        q = float(b[2:])
                    except ValueError:
                        q = 0.0
            if q > 0:
                return True
        return False

    def _not_modified(self, etag, mtime):
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            tags = [x.strip() for x in inm.split(",")]
            plain = etag[2:] if etag.startswith("W/") else etag
            return "*" in tags or any(
                (x[2:] if x.startswith("W/") else x) == plain for x in tags)
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                d = email.utils.parsedate_to_datetime(ims)
            except (TypeError, ValueError, IndexError):
                return False
            if d is None:
                return False
            if d.tzinfo is None:
                d = d.replace(tzinfo=datetime.timezone.utc)
            return int(mtime) <= d.timestamp()
        return False

    def _drip(self, data, seconds):
        """Write data in about 20 pieces over seconds."""
        pieces = 20
        size = max(1, -(-len(data) // pieces))
        pause = seconds / pieces
        for i in range(0, len(data), size):
            if self.st.stopping.wait(pause):
                return
            self.wfile.write(data[i:i + size])
            self.wfile.flush()

    def _hang(self):
        """Send nothing; return when the client closes the connection, the
        server stops or HANG_MAX_S passed."""
        self.close_connection = True
        end = time.monotonic() + HANG_MAX_S
        sock = self.connection
        while not self.st.stopping.is_set() and time.monotonic() < end:
            try:
                r, _, _ = select.select([sock], [], [], 0.2)
                if r and not sock.recv(4096, socket.MSG_PEEK):
                    return
                if r:
                    sock.recv(4096)  # a pipelined request: ignore it
            except OSError:
                return

    # -- serving a document --------------------------------------------------

    def _document(self, path, setting):
        """(body, etag, mtime, content type) of PATH's normal answer, or
        None when there is none (404)."""
        if path == "/pls-luzern":
            if setting["mode"] == "frozen":
                body, ts = setting["_doc"]
            else:
                body, ts = pls_document(time.time(), setting.get("override"))
            return body, etag_of(body), ts, "application/json; charset=utf-8"
        if path in SIMULATED:
            make, ctype = SIMULATED[path]
            if setting["mode"] == "frozen":
                body, ts = setting["_doc"]
            else:
                body, ts = make(time.time())
            return body, etag_of(body), ts, ctype
        if path.startswith("/files/") and self.st.folder:
            name = urllib.parse.unquote(path[len("/files/"):])
            if not name or "\0" in name:
                return None
            full = os.path.realpath(os.path.join(self.st.folder, name))
            if os.path.commonpath([full, self.st.folder]) != self.st.folder \
                    or not os.path.isfile(full):
                return None
            if setting["mode"] == "frozen" and setting.get("_doc"):
                body, ts = setting["_doc"]
                return body, etag_of(body), ts, "application/octet-stream"
            try:
                stt = os.stat(full)
                with open(full, "rb") as f:
                    body = f.read(MAX_GZIP_FILE + 1)
                    if len(body) > MAX_GZIP_FILE:
                        return ("file", full, stt)
            except OSError:
                return None
            ctype = "application/json" if full.endswith(".json") else \
                "application/octet-stream"
            return body, etag_of(body), stt.st_mtime, ctype
        return None

    def _serve_big_file(self, full, stt):
        etag = '"%x-%x-%x"' % (stt.st_ino, stt.st_size, stt.st_mtime_ns)
        hdrs = {"ETag": etag, "Last-Modified": http_date(stt.st_mtime)}
        if self._not_modified(etag, stt.st_mtime):
            return self._send(304, extra=hdrs)
        self._status(200)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(stt.st_size))
        for n, v in hdrs.items():
            self.send_header(n, v)
        self.end_headers()
        if self.command == "HEAD":
            return
        with open(full, "rb") as f:
            left = stt.st_size
            while left > 0:
                data = f.read(min(CHUNK, left))
                if not data:
                    break
                self.wfile.write(data)
                left -= len(data)
        # A file that shrank meanwhile: the client sees a short body.
        self.close_connection = left > 0

    def _serve(self, path, setting):
        mode = setting["mode"]
        if mode == "hang":
            self._status("hang")
            self.log_message('"%s" hanging', self.requestline)
            return self._hang()
        if mode == "500":
            return self._send(500, b'{"error": "internal server error"}\n')
        if mode == "404":
            return self._send(404, b'{"error": "not found"}\n')
        if mode == "429":
            ra = str(setting.get("retry_after", 2))
            return self._send(429, b'{"error": "too many requests"}\n',
                              extra={"Retry-After": ra})
        if mode == "garbage":
            return self._send(200, os.urandom(4096))
        if mode == "html":
            return self._send(200, NGINX_502, "text/html")
        if mode == "error-object":
            return self._send(200, json.dumps(
                {"status": "error", "message": "Service temporarily "
                 "unavailable (simulated)"}).encode() + b"\n")
        if mode == "empty":
            return self._send(200, b"")
        if mode == "304-bare":
            return self._send(304)
        if mode in ("oversize", "gzip-bomb"):
            return self._oversize(path, setting)

        doc = self._document(path, setting)
        if doc is None:
            return self._send(404, b'{"error": "not found"}\n')
        if doc[0] == "file":
            return self._serve_big_file(doc[1], doc[2])
        body, etag, mtime, ctype = doc
        hdrs = {"ETag": etag, "Last-Modified": http_date(mtime),
                "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
        if self._not_modified(etag, mtime):
            with self.st.lock:
                self.st.etags[path] = etag
            return self._send(304, extra=hdrs)
        wire = body
        if self._accepts_gzip():
            wire = gzip.compress(body, 6, mtime=0)
            hdrs["Content-Encoding"] = "gzip"
        with self.st.lock:
            self.st.etags[path] = etag
            self.st.encodings[path] = hdrs.get("Content-Encoding",
                                               "identity")
            if mode != "truncated":
                self.st.last[path] = (body, mtime, time.time())
        if mode == "truncated":
            self._status(200)
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(wire) + 1000))
            for n, v in hdrs.items():
                self.send_header(n, v)
            self.end_headers()
            self.wfile.write(wire[:len(wire) // 2])
            self.close_connection = True
            return
        if mode == "slow":
            self._status(200)
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(wire)))
            for n, v in hdrs.items():
                self.send_header(n, v)
            self.end_headers()
            seconds = min(float(setting.get("seconds", 5)), HANG_MAX_S)
            if self.command != "HEAD":
                self._drip(wire, seconds)
            return
        return self._send(200, wire, ctype, hdrs)

    def _oversize(self, path, setting):
        bomb = setting["mode"] == "gzip-bomb"
        mib = int(setting.get("mib", 64 if bomb else 9))
        total, gen = oversize_parts(mib)
        self._status(200)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if bomb:
            # Compressed on the fly; its length is not known in advance.
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(total))
        self.end_headers()
        if self.command == "HEAD":
            return
        if not bomb:
            for part in gen():
                self.wfile.write(part)
            return
        z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        for part in gen():
            out = z.compress(part)
            if out:
                self.wfile.write(out)
        self.wfile.write(z.flush())

    # -- control -------------------------------------------------------------

    def _control(self):
        te = self.headers.get("Transfer-Encoding")
        if te:
            self.close_connection = True
            return self._json(411, {"error": "send a Content-Length"})
        try:
            n = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            n = -1
        if n < 0 or n > MAX_BODY:
            self.close_connection = True
            return self._json(413, {"error": "body of 0..%d bytes" %
                                    MAX_BODY})
        raw = self.rfile.read(n)
        try:
            req = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            return self._json(400, {"error": "invalid JSON: %s" % e})
        if not isinstance(req, dict):
            return self._json(400, {"error": "expected an object"})
        path, mode = req.get("path"), req.get("mode", "ok")
        if not isinstance(path, str) or not path.startswith("/"):
            return self._json(400, {"error": "path: a string starting "
                                             "with /"})
        if mode not in MODES:
            return self._json(400, {"error": "mode: one of %s" %
                                             ", ".join(MODES)})
        count = req.get("count")
        if count is not None and (not isinstance(count, int) or
                                  isinstance(count, bool) or count < 1):
            return self._json(400, {"error": "count: a positive integer"})
        for k, lo, hi in (("retry_after", 0, 86400), ("seconds", 0, 300),
                          ("age_s", -86400, 10 ** 9), ("mib", 1, 1024)):
            v = req.get(k)
            if v is not None and (isinstance(v, bool) or
                                  not isinstance(v, (int, float)) or
                                  not lo <= v <= hi):
                return self._json(400, {"error": "%s: a number in %d..%d"
                                                 % (k, lo, hi)})
        ov = req.get("override")
        if ov is not None and not (isinstance(ov, dict) and all(
                v is None or isinstance(v, dict) for v in ov.values())):
            return self._json(400, {"error": "override: {CODE: {FIELD: "
                                             "VALUE} or null}"})
        setting = {k: v for k, v in req.items()
                   if k in ("mode", "count", "retry_after", "seconds",
                            "age_s", "mib", "override") and v is not None}
        setting["mode"] = mode
        with self.st.lock:
            last = self.st.last.get(path)
        if mode == "frozen":
            # The document to keep serving, fixed now.
            if path == "/pls-luzern" and (
                    last is None or "age_s" in setting or
                    "override" in setting):
                setting["_doc"] = pls_document(
                    time.time() - float(setting.get("age_s", 0)),
                    setting.get("override"))
            elif last is not None:
                setting["_doc"] = last[:2]
            elif path in SIMULATED:
                setting["_doc"] = SIMULATED[path][0](
                    time.time() - float(setting.get("age_s", 0)))
        with self.st.lock:
            prev = self.st.settings.get(path)
            if "count" in setting and prev:
                # Back to this one when the count is used up.
                setting["_prev"] = {k: v for k, v in prev.items()
                                    if k != "_prev"}
            if mode == "ok" and len(setting) == 1:
                self.st.settings.pop(path, None)
            else:
                if path not in self.st.settings and \
                        len(self.st.settings) >= MAX_PATHS:
                    return self._json(400, {"error": "too many paths"})
                self.st.settings[path] = setting
            current = self.st.public_settings()
        return self._json(200, {"ok": True, "settings": current})

    # -- entry points --------------------------------------------------------

    def do_GET(self):
        path = self._path()
        if path == "/control":
            with self.st.lock:
                current = self.st.public_settings()
            return self._json(200, {"settings": current, "modes": MODES})
        if path == "/stats":
            return self._json(200, self.st.stats())
        if path.startswith("/last/"):
            with self.st.lock:
                last = self.st.last.get(path[len("/last"):])
            if not last:
                return self._json(404, {"error": "nothing served yet"})
            return self._send(200, last[0], record=False,
                              extra={"X-Served-At": "%.3f" % last[2]})
        self.t_req = time.time()
        setting = self.st.count_request(path, self.headers)
        try:
            self._serve(path, setting)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True

    do_HEAD = do_GET

    def do_POST(self):
        if self._path() == "/control":
            return self._control()
        self.close_connection = True
        return self._json(405, {"error": "POST only to /control"})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, addr, state, quiet):
        self.state = state
        self.quiet = quiet
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        try:
            ip = ipaddress.ip_address(addr[0])
        except ValueError:
            ip = None
        if ip is not None and ip.version == 6:
            self.address_family = socket.AF_INET6
        super().__init__(addr, Handler)

    def process_request(self, request, client_address):
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except Exception:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request, client_address):
        # A client that went away is not worth a traceback.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, socket.timeout)):
            return
        if not self.quiet:
            super().handle_error(request, client_address)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Local fixture feed server (simulated Lucerne PLS feed "
                    "that misbehaves on request).")
    ap.add_argument("--port", type=int, default=0,
                    help="TCP port (0, the default: pick a free one)")
    ap.add_argument("--bind", default="127.0.0.1",
                    help="loopback address to listen on (127.0.0.1, ::1)")
    ap.add_argument("--dir", default=None,
                    help="folder served under /files/")
    ap.add_argument("--quiet", action="store_true",
                    help="do not log requests")
    a = ap.parse_args(argv)
    try:
        ip = ipaddress.ip_address(a.bind)
    except ValueError:
        ap.error("--bind: %r is not an IP address" % a.bind)
    if not ip.is_loopback:
        ap.error("--bind: %s is not a loopback address" % a.bind)
    if not 0 <= a.port <= 65535:
        ap.error("--port: %d not in 0..65535" % a.port)
    if a.dir is not None and not os.path.isdir(a.dir):
        ap.error("--dir: %s is not a folder" % a.dir)

    # Blocked here, before any thread starts, so that every thread inherits
    # the mask and the main thread takes them with sigwait().
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)

    state = State(a.dir)
    try:
        srv = Server((a.bind, a.port), state, a.quiet)
    except OSError as e:
        print("feedserver: cannot listen on %s port %d: %s"
              % (a.bind, a.port, e.strerror), file=sys.stderr)
        return 1
    port = srv.server_address[1]
    host = "[%s]" % a.bind if ip.version == 6 else a.bind
    loop = threading.Thread(target=srv.serve_forever, kwargs={
        "poll_interval": 0.2}, daemon=True)
    loop.start()
    print("feedserver: listening on http://%s:%d" % (host, port), flush=True)
    signal.sigwait(stop_signals)
    state.stopping.set()
    srv.shutdown()
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
