#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tafel authors
#
# bench/http.sh: the monitoring endpoints under load while a ticker scrolls.
#
#     bench/http.sh [path/to/tafeld]        (default build/tafeld)
#
# Starts tools/feedserver.py and tafeld (DirectFB "dummy", 192x32, a ticker
# at SPEED px/s and fps 60, two park rows fed by the feed server, HTTP on a
# free port of 127.0.0.1), then runs wrk with keep-alive connections against
# /health and then /snapshot.png and prints requests per second, p99 latency
# and the frames the board missed meanwhile.  The ticker needs
# min(fps, SPEED) frames a second; the idle rate is measured first (IDLE_S)
# as the baseline, then the rate during each load.
#
# A benchmark prints figures and asserts nothing; it is not part of make
# test.  Loopback only, bounded (about 30 s), and everything it starts is
# stopped on exit.  Tunables (environment): WRK_THREADS (2), WRK_CONNS (16),
# WRK_SECONDS (10), IDLE_S (5), SPEED (60).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
tafeld=${1:-$here/build/tafeld}
threads=${WRK_THREADS:-2}
conns=${WRK_CONNS:-16}
secs=${WRK_SECONDS:-10}
idle_s=${IDLE_S:-5}
speed=${SPEED:-60}
fps=60

if ! command -v wrk >/dev/null 2>&1; then
	echo "bench/http.sh: wrk is not installed; install it with:" >&2
	echo "    apt-get install -y wrk" >&2
	exit 1
fi
for tool in curl python3 awk; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "bench/http.sh: $tool is needed" >&2
		exit 1
	}
done
[ -x "$tafeld" ] || {
	echo "bench/http.sh: $tafeld is not built (make)" >&2
	exit 1
}
if ! [ "$secs" -ge 1 ] 2>/dev/null || [ "$secs" -gt 60 ] ||
	! [ "$idle_s" -ge 1 ] 2>/dev/null || [ "$idle_s" -gt 30 ] ||
	! [ "$speed" -ge 1 ] 2>/dev/null || [ "$speed" -gt 1000 ]; then
	echo "bench/http.sh: WRK_SECONDS 1..60, IDLE_S 1..30, SPEED 1..1000" >&2
	exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/tafel-bench-http.XXXXXX")
srv_pid=
daemon_pid=
cleanup() {
	# Only what this script started, by process id.
	local pid
	for pid in $daemon_pid $srv_pid; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in $daemon_pid $srv_pid; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for FILE REGEX SECONDS: the first match of REGEX in FILE (bounded).
wait_for() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		if grep -Eqm1 "$2" "$1" 2>/dev/null; then
			grep -Eom1 "$2" "$1"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# The fixture feed server on a free port.
python3 "$here/tools/feedserver.py" --port 0 --quiet \
	>"$dir/feedserver.out" 2>"$dir/feedserver.err" &
srv_pid=$!
line=$(wait_for "$dir/feedserver.out" \
	'listening on http://127\.0\.0\.1:[0-9]+' 5) || {
	echo "bench/http.sh: feedserver did not start:" >&2
	cat "$dir/feedserver.err" >&2
	exit 1
}
feed_port=${line##*:}

ticker="Zug 17 Bern ab 08:42 Gleis 3 +++ Parkleitsystem Luzern: Bahnhof,"
ticker="$ticker Altstadt, Kesselturm +++ Bitte der Beschilderung folgen"
cat >"$dir/layout.json" <<EOF
{
	"width": 192, "height": 32, "background": "#000000",
	"regions": [
		{ "name": "ticker", "x": 0, "y": 0, "w": 192, "h": 14,
		  "widgets": [ { "type": "text", "font": "medium",
			"color": "#FFB000", "overflow": "scroll",
			"scroll_speed": $speed, "scroll_gap": 48,
			"text": "$ticker" } ] },
		{ "name": "p1", "x": 0, "y": 14, "w": 192, "h": 9,
		  "widgets": [ { "type": "park", "feed": "pls", "item": "SP05",
			"font": "small", "color": "#FFFFFF" } ] },
		{ "name": "p2", "x": 0, "y": 23, "w": 192, "h": 9,
		  "widgets": [ { "type": "park", "feed": "pls", "item": "SP02",
			"font": "small", "color": "#FFFFFF" } ] }
	]
}
EOF
# The per-address request limit (http.rate_per_s, when this tafeld has
# one) switched off (0): wrk is one address, and the figures are meant to
# show the endpoints, not the limiter.
rate=
if "$tafeld" --help-config | grep '^http\.rate_per_s ' >/dev/null; then
	rate=', "rate_per_s": 0'
fi
cat >"$dir/tafel.json" <<EOF
{
	"layout": "layout.json",
	"fonts_dir": "$here/fonts",
	"state_dir": "$dir",
	"log_level": "info",
	"display": { "system": "dummy", "width": 192, "height": 32,
		"fps": $fps },
	"http": { "listen": ["127.0.0.1:0"]$rate },
	"feeds": [ { "id": "pls", "format": "pls-luzern",
		"url": "http://127.0.0.1:$feed_port/pls-luzern",
		"interval_s": 5, "timeout_s": 4 } ]
}
EOF

"$tafeld" -n -c "$dir/tafel.json" >/dev/null 2>"$dir/check.err" || {
	echo "bench/http.sh: the generated configuration is invalid:" >&2
	cat "$dir/check.err" >&2
	exit 1
}
no_proxy='*' NO_PROXY='*' "$tafeld" -c "$dir/tafel.json" \
	</dev/null >/dev/null 2>"$dir/tafeld.log" &
daemon_pid=$!
line=$(wait_for "$dir/tafeld.log" \
	'http: listening on 127\.0\.0\.1:0 \(port [0-9]+\)' 5) || {
	echo "bench/http.sh: tafeld did not start:" >&2
	cat "$dir/tafeld.log" >&2
	exit 1
}
port=${line##*port }
port=${port%)}
base="http://127.0.0.1:$port"

# frames: tafel_frames_total now (a few tries: a limiter drained by the
# load answers 429 for a moment).  now_s: a monotonic clock in seconds.
frames() {
	local i page
	for ((i = 0; i < 20; i++)); do
		if page=$(curl -fsS --noproxy '*' --max-time 5 \
			"$base/metrics" 2>/dev/null); then
			awk '$1 == "tafel_frames_total" { print $2; found = 1 }
			     END { if (!found) exit 1 }' <<<"$page"
			return
		fi
		sleep 0.05
	done
	echo "bench/http.sh: /metrics does not answer" >&2
	return 1
}
now_s() {
	awk '{ print $1 }' /proc/uptime
}
# rate F0 F1 T0 T1: frames per second.
rate() {
	awk -v f0="$1" -v f1="$2" -v t0="$3" -v t1="$4" \
		'BEGIN { printf "%.1f", (f1 - f0) / (t1 - t0) }'
}

# Let the first fetch land, so the load runs on a board with data.
for ((i = 0; i < 40; i++)); do
	doc=$(curl -fsS --noproxy '*' --max-time 5 "$base/health" \
		2>/dev/null) || doc=
	[[ $doc == *'"feed:pls":[{"status":"pass"'* ]] && break
	sleep 0.1
done

want=$((speed < fps ? speed : fps))
echo "tafeld $("$tafeld" --version | awk '{ print $2 }'), 192x32 board," \
	"ticker $speed px/s at fps $fps: $want frames/s wanted"
echo "wrk -t$threads -c$conns -d${secs}s (keep-alive) on 127.0.0.1:$port," \
	"$(nproc) CPUs${rate:+, http.rate_per_s 10000 (its maximum)}"

f0=$(frames)
t0=$(now_s)
sleep "$idle_s"
f1=$(frames)
t1=$(now_s)
idle=$(rate "$f0" "$f1" "$t0" "$t1")
echo "idle ${idle_s}s: $idle frames/s"

load() {
	local path=$1 out f0 f1 t0 t1 busy rps p99 bad expected missed
	out="$dir/wrk$(echo "$path" | tr '/.' '__').txt"
	f0=$(frames)
	t0=$(now_s)
	wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 5s --latency \
		"$base$path" >"$out" 2>&1 || {
		echo "wrk on $path failed:" >&2
		cat "$out" >&2
		return 1
	}
	f1=$(frames)
	t1=$(now_s)
	busy=$(rate "$f0" "$f1" "$t0" "$t1")
	rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
	p99=$(awk '$1 == "99%" { print $2 }' "$out")
	# wrk's requests/s counts every answer; answers that were not 2xx
	# (429 from the limiter, 503) are shown beside it, with the rate of
	# the good ones.
	bad=$(awk '/ requests in / { n = $1; t = $4 + 0 }
		/Non-2xx or 3xx responses:/ { b = $NF }
		/Socket errors:/ { sub(/^ *Socket errors: */, ""); s = $0 }
		END { if (b) printf "%d non-2xx, 2xx: %.0f/s", b, (n - b) / t
		      if (s) printf "%ssocket errors: %s", b ? "; " : "", s }' \
		"$out")
	# Missed: the frames the idle rate would have drawn in that time.
	expected=$(awk -v r="$idle" -v t0="$t0" -v t1="$t1" \
		'BEGIN { printf "%d", r * (t1 - t0) + 0.5 }')
	missed=$((expected - (f1 - f0)))
	echo
	echo "GET $path"
	echo "  requests/s: $rps   p99 latency: $p99${bad:+   ($bad)}"
	echo "  frames: idle $idle/s, under load $busy/s, missed $missed" \
		"($(awk -v m="$missed" -v e="$expected" \
			'BEGIN { printf "%.3f", (e > 0 ? m / e : 0) }'))"
}

load /health
load /snapshot.png

# tafeld must have kept answering and stop cleanly.
kill "$daemon_pid"
rc=0
wait "$daemon_pid" || rc=$?
daemon_pid=
[ "$rc" -eq 0 ] || echo "note: tafeld exited $rc on SIGTERM" >&2
