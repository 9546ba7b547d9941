# shellcheck shell=dash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tafel authors
#
# The checks of the GPIO test VM, sourced by /init (busybox ash).  Each
# check prints one line "PASS name: what was seen" or "FAIL name: why";
# tests/vm/run.sh counts them.  Every wait is bounded.
#
# The chip is a gpio-sim bank of 9 named lines, made through configfs:
#   0 contact  1 door  2 twilight  3 button  4 heartbeat  5 relay
#   6 busy (hogged by the kernel: another consumer holds it)  7 spare
#   8 slow (a contact with a long debounce)
# Inputs are driven "from the wire" by writing pull-up / pull-down to
# /sys/devices/platform/gpio-sim.N/gpiochipM/sim_gpioK/pull; outputs are
# read back from .../sim_gpioK/value.  tafeld sees the lines through
# libgpiod 1.6 and the kernel's GPIO character device, as on a cabinet.

SIM=/sys/kernel/config/gpio-sim/tafel
LINES="contact door twilight button heartbeat relay busy spare slow"
NLINES=9
LABEL=tafel-cabinet
BUSY_CONSUMER=cabinet-fw
TAFELD=/usr/bin/tafeld
CHIP=
SYSCHIP=
PORT=8080

pass() {
	local n=$1
	shift
	echo "PASS $n: $*"
}
fail() {
	local n=$1
	shift
	echo "FAIL $n: $*"
}

# The offset of a line name in $LINES.
offset() {
	local i=0 n
	for n in $LINES; do
		[ "$n" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo "checks.sh: no line $1" >&2
	echo 99
}

# Drive an input line from the simulator side: wire NAME high|low.
wire() {
	local v=pull-down
	[ "$2" = high ] && v=pull-up
	echo $v >"$SYSCHIP/sim_gpio$(offset "$1")/pull"
}

# What the chip sees on a line (outputs: what the consumer drives).
level() {
	cat "$SYSCHIP/sim_gpio$(offset "$1")/value"
}

level_is() {
	[ "$(level "$1")" = "$2" ]
}

# until SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds;
# 1 when it never did.
until_ok() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# GET PATH from the daemon on $PORT: HTTP_STATUS and HTTP_BODY.
get() {
	local resp
	resp=$(printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" |
		timeout 5 nc 127.0.0.1 $PORT 2>/dev/null | tr -d '\r')
	HTTP_STATUS=$(echo "$resp" | head -n 1 | cut -d ' ' -f 2)
	HTTP_BODY=$(echo "$resp" | sed '1,/^$/d')
	[ -n "$HTTP_STATUS" ]
}

# jq filter (with -e) on the body of GET PATH: json_ok PATH FILTER.
json_ok() {
	get "$1" && echo "$HTTP_BODY" | jq -e "$2" >/dev/null 2>&1
}

# Print the body of GET PATH through a jq filter (for messages).
json_show() {
	get "$1" >/dev/null
	echo "$HTTP_BODY" | jq -c "$2" 2>/dev/null | cut -c1-400
}

# ---------------------------------------------------------------------------
# The simulated chip

make_chip() {
	local i=0 n
	mkdir "$SIM" "$SIM/bank0" || return 1
	echo $NLINES >"$SIM/bank0/num_lines"
	echo $LABEL >"$SIM/bank0/label"
	for n in $LINES; do
		mkdir "$SIM/bank0/line$i"
		echo "$n" >"$SIM/bank0/line$i/name"
		i=$((i + 1))
	done
	# A kernel hog: the line is requested by another consumer, so a
	# request from tafeld gets EBUSY as on a cabinet where a driver or
	# a second program holds it.
	i=$(offset busy)
	mkdir "$SIM/bank0/line$i/hog"
	echo $BUSY_CONSUMER >"$SIM/bank0/line$i/hog/name"
	echo output-high >"$SIM/bank0/line$i/hog/direction"
	echo 1 >"$SIM/live" || return 1
	CHIP=$(cat "$SIM/bank0/chip_name")
	SYSCHIP=/sys/devices/platform/$(cat "$SIM/dev_name")/$CHIP
	[ -n "$CHIP" ] && [ -d "$SYSCHIP" ] && [ -c "/dev/$CHIP" ]
}

check_chip() {
	local out n missing=
	if ! make_chip; then
		fail gpio-sim "could not create the chip through configfs" \
			"(chip_name '$CHIP', $SYSCHIP)"
		return 1
	fi
	pass gpio-sim "chip $CHIP ($LABEL) live, /dev/$CHIP, $SYSCHIP"

	out=$(gpiodetect 2>&1)
	case $out in
	*"$CHIP [$LABEL] ($NLINES lines)"*)
		pass gpiodetect "lists '$CHIP [$LABEL] ($NLINES lines)'" ;;
	*) fail gpiodetect "no '$CHIP [$LABEL] ($NLINES lines)' in: $out" ;;
	esac

	out=$(gpioinfo "$CHIP" 2>&1)
	for n in $LINES; do
		echo "$out" | grep -q "\"$n\"" || missing="$missing $n"
	done
	if [ -n "$missing" ]; then
		fail gpioinfo "line names missing:$missing; gpioinfo: $out"
	elif ! echo "$out" | grep "\"busy\"" |
		grep -q "\"$BUSY_CONSUMER\".*used"; then
		fail gpioinfo "line busy not shown as used by $BUSY_CONSUMER:" \
			"$(echo "$out" | grep '"busy"')"
	else
		pass gpioinfo "$NLINES named lines, busy used by $BUSY_CONSUMER"
	fi

	# The simulator drives an input; libgpiod reads it.
	wire spare high
	n=$(gpioget "$CHIP" "$(offset spare)" 2>&1)
	wire spare low
	out=$(gpioget "$CHIP" "$(offset spare)" 2>&1)
	if [ "$n" = 1 ] && [ "$out" = 0 ]; then
		pass sim-input "pull-up then pull-down on spare read 1 then 0" \
			"through libgpiod"
	else
		fail sim-input "gpioget read '$n' after pull-up and '$out'" \
			"after pull-down, want 1 and 0"
	fi

	# libgpiod drives an output; the simulator sees it.
	gpioset --mode=signal "$CHIP" "$(offset spare)=1" &
	n=$!
	if until_ok 5 level_is spare 1; then
		pass sim-output "gpioset spare=1 reads 1 in sim_gpio$(offset spare)/value"
	else
		fail sim-output "gpioset spare=1: sim_gpio$(offset spare)/value" \
			"is $(level spare)"
	fi
	kill $n
	wait $n 2>/dev/null
}

# ---------------------------------------------------------------------------
# tafeld

# The configuration: conf FILE CHIP REQUIRED [LINES-JSON] writes a config
# whose gpio section uses chip CHIP (required true|false) with the standard
# inputs and outputs, and the twilight switch as brightness sensor; LINES
# replaces the lines (and brightness stays manual) when given.
conf() {
	local file=$1 chip=$2 required=$3 lines=$4 bright=
	[ -n "$lines" ] || bright='
	"brightness": {
		"mode": "sensor",
		"sensor": { "twilight_input": "twilight" },
		"day_percent": 100,
		"night_percent": 20,
		"latitude": 47.0502,
		"longitude": 8.3093
	},'
	[ -n "$lines" ] || lines='
		"inputs": [
			{ "name": "tunnel", "line": "contact", "role": "contact",
			  "preset": "tunnel", "mode": "while_closed",
			  "debounce_ms": 20 },
			{ "name": "door", "line": "door", "role": "door",
			  "debounce_ms": 20 },
			{ "name": "twilight", "line": "twilight",
			  "role": "twilight", "debounce_ms": 20 },
			{ "name": "test", "line": "button",
			  "role": "test_pattern", "seconds": 3,
			  "active_low": true, "bias": "pull-up" },
			{ "name": "event", "line": "spare", "role": "contact",
			  "preset": "event", "mode": "toggle",
			  "debounce_ms": 20 },
			{ "name": "slow", "line": "slow", "role": "contact",
			  "preset": "works", "debounce_ms": 1500 }
		],
		"outputs": [
			{ "name": "heartbeat", "line": "heartbeat",
			  "role": "heartbeat", "period_ms": 200 },
			{ "name": "relay", "line": 5, "role": "power_relay" }
		]'
	cat >"$file" <<EOF
{
	"layout": "/tafel/layout.json",
	"fonts_dir": "/tafel/fonts",
	"state_dir": "/tmp/state-$PORT",
	"timezone": "UTC",
	"service_id": "vm",
	"display": { "system": "dummy", "width": 96, "height": 32 },
	"http": { "listen": ["127.0.0.1:$PORT"] },
	"messages": {
		"presets": [
			{ "name": "tunnel", "multi": "Tunnel gesperrt",
			  "priority": 255 },
			{ "name": "event", "multi": "Konzert KKL",
			  "priority": 100 },
			{ "name": "works", "multi": "Baustelle",
			  "priority": 50 }
		]
	},
	$bright
	"gpio": {
		"backend": "gpiod",
		"chip": "$chip",
		"required": $required,
		$lines
	}
}
EOF
}

# A config without gpio and brightness: the daemon alone.
plain_conf() {
	cat >"$1" <<EOF
{
	"layout": "/tafel/layout.json",
	"fonts_dir": "/tafel/fonts",
	"state_dir": "/tmp/state-$PORT",
	"timezone": "UTC",
	"service_id": "vm",
	"display": { "system": "dummy", "width": 96, "height": 32 },
	"http": { "listen": ["127.0.0.1:$PORT"] }
}
EOF
}

DPID=
DLOG=

# start NAME CONFIG: run tafeld in the background on $PORT; 0 once /health
# answers, 1 when it exited or did not answer in time (DPID, DLOG set).
start() {
	DLOG=/tmp/$1.log
	mkdir -p "/tmp/state-$PORT"
	$TAFELD -c "$2" </dev/null >/dev/null 2>"$DLOG" &
	DPID=$!
	until_ok 30 alive_and_serving
}

alive_and_serving() {
	kill -0 "$DPID" 2>/dev/null || return 1
	get /health
}

# Did the daemon exit? Sets DRC to its exit code once it did.
exited() {
	kill -0 "$DPID" 2>/dev/null && return 1
	wait "$DPID"
	DRC=$?
	return 0
}

# stop: SIGTERM; 0 when it exits within 10 s (DRC its code).
stop() {
	kill -TERM $DPID 2>/dev/null
	until_ok 10 exited && return 0
	kill -KILL $DPID 2>/dev/null
	wait $DPID 2>/dev/null
	DRC=killed
	return 1
}

# The daemon's log, indented, for a failed check.
dlog() {
	tail -n "${1:-15}" "$DLOG" | sed 's/^/    | /'
}

next_port() { PORT=$((PORT + 1)); }

check_plain_daemon() {
	next_port
	plain_conf /tmp/plain.json
	if start plain /tmp/plain.json && json_ok /health '.status == "pass"'
	then
		pass daemon "tafeld (no GPIO) serves /health with status pass" \
			"on 127.0.0.1:$PORT"
	else
		fail daemon "tafeld without GPIO did not serve /health pass" \
			"(HTTP '$HTTP_STATUS'): $HTTP_BODY"
		dlog
	fi
	if ! stop || [ "$DRC" != 0 ]; then
		fail daemon-stop "SIGTERM: exit '$DRC', want 0"
		dlog
	fi
}

has_tunnel='any(.regions[].widgets[];
	.type == "message" and (.text | contains("Tunnel gesperrt")))'
# The jq path of an input in /health: health_input NAME [FIELD].
health_input() {
	printf '.checks["gpio:inputs"][0].inputs["%s"]' "$1"
	[ -z "$2" ] || printf '.%s' "$2"
}

check_gpio_daemon() {
	local seen0=0 seen1=0 v n ok out bright
	next_port
	conf /tmp/gpio.json "$CHIP" true
	if ! start gpio /tmp/gpio.json; then
		fail gpio-start "tafeld with gpio backend gpiod on $CHIP did" \
			"not serve /health"
		dlog 30
		return 1
	fi
	if json_ok /health '.status == "pass" and
	    .checks["gpio:inputs"][0].available == true'; then
		pass gpio-start "tafeld requested the lines of $CHIP; /health" \
			"pass"
	else
		fail gpio-start "/health after start: $(json_show /health \
			'{status, gpio: .checks["gpio:inputs"]}')"
		dlog
	fi
	out=$(gpioinfo "$CHIP" 2>&1 | grep -c '"tafeld"')
	if [ "$out" = 8 ]; then
		pass gpio-consumer "gpioinfo shows 8 lines used by \"tafeld\""
	else
		fail gpio-consumer "$out lines with consumer \"tafeld\", want" \
			"8: $(gpioinfo "$CHIP" 2>&1 | tr -s ' \t' ' ')"
	fi
	# The button's bias reached the kernel: gpio-sim's pull follows it.
	out=$(cat "$SYSCHIP/sim_gpio$(offset button)/pull")
	if [ "$out" = pull-up ] && json_ok /health \
	    "$(health_input test value) == 0"; then
		pass gpio-bias "button (bias pull-up, active-low): sim pull" \
			"$out, reads released"
	else
		fail gpio-bias "button: sim pull '$out' (want pull-up)," \
			"$(json_show /health "$(health_input test value)")"
	fi

	# A contact closes: its preset shows; it opens: the preset goes.
	if json_ok /api/v1/display "$has_tunnel"; then
		fail contact "preset shown before the contact closed"
	fi
	wire contact high
	ok=0
	if until_ok 5 json_ok /api/v1/display "$has_tunnel"; then
		ok=1
		pass contact-closed "contact high: /api/v1/display shows" \
			"\"Tunnel gesperrt\" $(json_show /api/v1/display .messages)"
	else
		fail contact-closed "contact high, /api/v1/display within 5 s:" \
			"$(json_show /api/v1/display .)"
		dlog
	fi
	wire contact low
	if [ $ok = 0 ]; then
		fail contact-open "not checked: the preset never showed"
	elif until_ok 5 not_shown "$has_tunnel"; then
		pass contact-open "contact low again (while_closed): the preset" \
			"is gone from /api/v1/display"
	else
		fail contact-open "contact low, still shown after 5 s:" \
			"$(json_show /api/v1/display .)"
		dlog
	fi

	# A toggle contact: a closing edge shows its preset, the next hides it.
	check_toggle
	# A pulse shorter than the debounce is ignored; a closing is not.
	check_debounce

	# The door opens: health warns; it closes: pass again.
	wire door high
	ok=0
	if until_ok 5 json_ok /health '.status == "warn" and
	    .checks["gpio:inputs"][0].status == "warn" and
	    (.checks["gpio:inputs"][0].output | test("door"))'; then
		ok=1
		pass door-open "door high: /health warn," \
			"$(json_show /health '.checks["gpio:inputs"][0].output')"
	else
		fail door-open "door high, /health within 5 s:" \
			"$(json_show /health '{status, gpio: .checks["gpio:inputs"]}')"
		dlog
	fi
	wire door low
	if [ $ok = 0 ]; then
		fail door-closed "not checked: health never warned"
	elif until_ok 5 json_ok /health '.status == "pass"'; then
		pass door-closed "door low: /health pass again"
	else
		fail door-closed "door low, /health within 5 s:" \
			"$(json_show /health '{status, gpio: .checks["gpio:inputs"]}')"
	fi

	# The heartbeat toggles while the board renders.
	n=30
	while [ $n -gt 0 ]; do
		v=$(level heartbeat)
		[ "$v" = 0 ] && seen0=$((seen0 + 1))
		[ "$v" = 1 ] && seen1=$((seen1 + 1))
		sleep 0.1
		n=$((n - 1))
	done
	if [ $seen0 -gt 0 ] && [ $seen1 -gt 0 ]; then
		pass heartbeat "sim_gpio$(offset heartbeat)/value over 3 s:" \
			"$seen0 x 0, $seen1 x 1"
	else
		fail heartbeat "sim_gpio$(offset heartbeat)/value over 3 s:" \
			"$seen0 x 0, $seen1 x 1 (period 200 ms)"
	fi

	# The power relay is on (no blank window now).
	v=$(level relay)
	if [ "$v" = 1 ]; then
		pass relay-on "power relay sim_gpio$(offset relay)/value = 1"
	else
		fail relay-on "power relay sim_gpio$(offset relay)/value = $v," \
			"want 1"
	fi

	# The twilight switch drives the brightness (sensor mode).
	bright='.checks["brightness:level"][0].observedValue'
	wire twilight high
	ok=0
	if until_ok 10 json_ok /health "$bright == 20"; then
		ok=1
		pass twilight-dark "twilight high (dark): brightness 20 %"
	else
		fail twilight-dark "twilight high, brightness within 10 s:" \
			"$(json_show /health '.checks["brightness:level"]')"
	fi
	wire twilight low
	if [ $ok = 0 ]; then
		fail twilight-day "not checked: brightness never dropped"
	elif until_ok 10 json_ok /health "$bright == 100"; then
		pass twilight-day "twilight low (day): brightness 100 %"
	else
		fail twilight-day "twilight low, brightness within 10 s:" \
			"$(json_show /health '.checks["brightness:level"]')"
	fi

	# The test-pattern button (active-low) lights the board for "seconds".
	wire button low
	ok=0
	if until_ok 5 json_ok /health \
	    '.checks["gpio:inputs"][0].testPattern == true'; then
		ok=1
		pass test-pattern "button pressed (low): testPattern true in" \
			"/health"
	else
		fail test-pattern "button low, /health within 5 s:" \
			"$(json_show /health '.checks["gpio:inputs"]')"
	fi
	wire button high
	if [ $ok = 0 ]; then
		fail test-pattern-ends "not checked: the pattern never showed"
	elif until_ok 8 json_ok /health \
	    '.checks["gpio:inputs"][0].testPattern == false'; then
		pass test-pattern-ends "the pattern ends after its 3 s"
	else
		fail test-pattern-ends "testPattern still true 8 s later"
	fi

	# SIGTERM: a clean exit that releases the lines.
	if stop && [ "$DRC" = 0 ]; then
		n=$(gpioinfo "$CHIP" 2>&1 | grep -c '"tafeld"')
		if [ "$n" = 0 ]; then
			pass gpio-release "SIGTERM: exit 0, no line left" \
				"requested by tafeld"
		else
			fail gpio-release "after exit $n lines still used by" \
				"tafeld"
		fi
	else
		fail gpio-release "SIGTERM: exit '$DRC', want 0"
		dlog
	fi
}

has_event='any(.regions[].widgets[];
	.type == "message" and (.text | contains("Konzert KKL")))'

# A toggle contact: a closing edge shows its preset, the next hides it.
check_toggle() {
	wire spare high
	if ! until_ok 5 json_ok /api/v1/display "$has_event"; then
		fail toggle-on "first closing edge, within 5 s:" \
			"$(json_show /api/v1/display .)"
		wire spare low
		return
	fi
	wire spare low
	sleep 1
	if ! json_ok /api/v1/display "$has_event"; then
		fail toggle-on "preset gone when the contact opened"
		return
	fi
	pass toggle-on "closing edge shows \"Konzert KKL\"; it stays" \
		"when the contact opens"
	wire spare high
	if until_ok 5 not_shown "$has_event"; then
		pass toggle-off "second closing edge removes it"
	else
		fail toggle-off "still shown 5 s after the second edge"
	fi
	wire spare low
}

has_works='any(.regions[].widgets[];
	.type == "message" and (.text | contains("Baustelle")))'

# The "slow" contact has debounce_ms 1500: the level is read 1.5 s after
# the last edge.  A 0.2 s pulse is over by then (no change is counted); a
# closing that lasts shows the preset, but not at once.
check_debounce() {
	local changes
	changes=$(health_input slow changes)
	wire slow high
	sleep 0.2
	wire slow low
	sleep 3
	if json_ok /health "$changes == 0" &&
		! json_ok /api/v1/display "$has_works"; then
		pass debounce-pulse "a 0.2 s pulse on a contact with" \
			"debounce_ms 1500: no change, no preset"
	else
		fail debounce-pulse "0.2 s pulse (debounce_ms 1500):" \
			"$(json_show /health "$(health_input slow)")"
	fi
	wire slow high
	sleep 0.5
	if json_ok /api/v1/display "$has_works"; then
		fail debounce-hold "preset shown 0.5 s after the edge," \
			"before the 1.5 s debounce"
	elif until_ok 6 json_ok /api/v1/display "$has_works"; then
		pass debounce-hold "closed for good: the preset shows after" \
			"the debounce, not at 0.5 s"
	else
		fail debounce-hold "closed, no preset within 6.5 s:" \
			"$(json_show /health "$(health_input slow)")"
	fi
	wire slow low
	until_ok 6 not_shown "$has_works"
}

held_by_gpioset() {
	gpioinfo "$CHIP" 2>/dev/null | grep '"spare"' | grep -q '"gpioset"'
}

# Is the display free of what the jq filter finds? not_shown FILTER
not_shown() {
	get /api/v1/display && ! echo "$HTTP_BODY" | jq -e "$1" >/dev/null 2>&1
}

# required=true and a bad line or chip: tafeld refuses to start with an
# error naming the chip and the line.  refuse NAME CHIP LINE-JSON WORDS...
refuse() {
	local name=$1 chip=$2 lines=$3 w missing=
	shift 3
	next_port
	conf "/tmp/$name.json" "$chip" true "$lines"
	mkdir -p "/tmp/state-$PORT"
	$TAFELD -c "/tmp/$name.json" </dev/null >/dev/null \
		2>"/tmp/$name.log" &
	DPID=$!
	DLOG=/tmp/$name.log
	if ! until_ok 20 exited; then
		fail "$name" "required=true: tafeld still running after 20 s"
		stop
		dlog
		return
	fi
	for w in "$@"; do
		grep -q "$w" "$DLOG" || missing="$missing '$w'"
	done
	if [ "$DRC" != 0 ] && [ -z "$missing" ]; then
		pass "$name" "required=true: exit $DRC," \
			"$(grep -m 1 "$1" "$DLOG" | cut -c1-200)"
	else
		fail "$name" "required=true: exit $DRC (want non-zero), log" \
			"lacks$missing:"
		dlog
	fi
}

# required=false: tafeld runs, health warns naming the problem.
tolerate() {
	local name=$1 chip=$2 lines=$3 word=$4
	next_port
	conf "/tmp/$name.json" "$chip" false "$lines"
	if ! start "$name" "/tmp/$name.json"; then
		fail "$name" "required=false: tafeld did not serve /health"
		dlog
		return
	fi
	if json_ok /health ".status == \"warn\" and
	    (.checks[\"gpio:inputs\"][0].output | test(\"$word\"))"; then
		pass "$name" "required=false: runs, /health warn:" \
			"$(json_show /health '.checks["gpio:inputs"][0].output')"
	else
		fail "$name" "required=false: /health" \
			"$(json_show /health '{status, gpio: .checks["gpio:inputs"]}')"
		dlog
	fi
	stop
}

busy_lines='"inputs": [
	{ "name": "tunnel", "line": "contact", "role": "contact",
	  "preset": "tunnel" },
	{ "name": "door", "line": "busy", "role": "door" }
]'
missing_lines='"inputs": [
	{ "name": "door", "line": "door", "role": "door" }
]'

held_lines='"inputs": [
	{ "name": "door", "line": "spare", "role": "door" }
]'
# Lines the chip does not have: by name, and by an offset past its 9.
noname_lines='"inputs": [
	{ "name": "door", "line": "nosuch", "role": "door" }
]'
nooffset_lines='"inputs": [
	{ "name": "door", "line": 40, "role": "door" }
]'

check_bad_gpio() {
	local holder
	refuse busy-required "$CHIP" "$busy_lines" "$CHIP" \
		"line $(offset busy) (\"busy\"): busy"
	# A line another program holds (as libgpiod's gpioset does here).
	gpioset --mode=signal "$CHIP" "$(offset spare)=0" &
	holder=$!
	if until_ok 5 held_by_gpioset; then
		refuse held-required "$CHIP" "$held_lines" "$CHIP" spare
	else
		fail held-required "gpioset did not hold line spare:" \
			"$(gpioinfo "$CHIP" 2>&1 | grep '"spare"')"
	fi
	kill $holder
	wait $holder 2>/dev/null
	tolerate busy-optional "$CHIP" "$busy_lines" busy
	refuse nochip-required gpiochip9 "$missing_lines" gpiochip9
	tolerate nochip-optional gpiochip9 "$missing_lines" gpiochip9
	# A line the chip does not have.  The offset case opens the chip by
	# its path (/dev/gpiochipN): the error is about the line, so the
	# chip was found.
	refuse noline-name-required "$CHIP" "$noname_lines" "$CHIP" \
		'line "nosuch": no such line'
	tolerate noline-name-optional "$CHIP" "$noname_lines" \
		'line .nosuch.: no such line'
	refuse noline-offset-required "/dev/$CHIP" "$nooffset_lines" \
		"$CHIP line 40: no such line"
	tolerate noline-offset-optional "/dev/$CHIP" "$nooffset_lines" \
		"line 40: no such line"
}

# The power schedule: a blank window around now turns the relay off.
check_power_schedule() {
	local now off on
	now=$(($(date -u +%s) / 60 % 1440))
	off=$(((now + 1439) % 1440))
	on=$(((now + 10) % 1440))
	off=$(printf '%02d:%02d' $((off / 60)) $((off % 60)))
	on=$(printf '%02d:%02d' $((on / 60)) $((on % 60)))
	next_port
	conf /tmp/blank.json "$LABEL" true '"outputs": [
		{ "name": "relay", "line": "relay", "role": "power_relay" }
	], "power_schedule": [ { "off": "'"$off"'", "on": "'"$on"'" } ]'
	if ! start blank /tmp/blank.json; then
		fail power-schedule "tafeld (chip by label $LABEL) did not" \
			"serve /health"
		dlog
		return
	fi
	if until_ok 5 level_is relay 0 &&
		json_ok /health '.checks["gpio:outputs"][0].blank == true'; then
		pass power-schedule "blank window $off-$on (UTC): relay" \
			"$(level relay), gpio:outputs blank (chip by label)"
	else
		fail power-schedule "blank window $off-$on: relay $(level relay)," \
			"$(json_show /health '.checks["gpio:outputs"]')"
		dlog
	fi
	stop
}

# The power schedule's timer switches the relay at a window's start: the
# VM's clock is set to hh:00:45 and the window starts at hh:01, so the
# relay must be on at start and off some 15 s later, without a reload.
# The chip is opened by its path this time.
check_power_boundary() {
	local day off on
	day=$(date -u +%Y-%m-%d)
	if ! date -u -s "$day 12:00:45" >/dev/null 2>&1; then
		fail power-boundary "cannot set the VM clock to 12:00:45"
		return
	fi
	off=12:01
	on=12:30
	next_port
	conf /tmp/boundary.json "/dev/$CHIP" true '"outputs": [
		{ "name": "relay", "line": "relay", "role": "power_relay" }
	], "power_schedule": [ { "off": "'"$off"'", "on": "'"$on"'" } ]'
	if ! start boundary /tmp/boundary.json; then
		fail power-boundary "tafeld (chip /dev/$CHIP) did not serve" \
			"/health"
		dlog
		return
	fi
	if ! level_is relay 1 ||
		! json_ok /health '.checks["gpio:outputs"][0].blank == false'
	then
		fail power-boundary "at $(date -u +%T), before the $off window:" \
			"relay $(level relay), $(json_show /health \
			'.checks["gpio:outputs"]')"
		dlog
		stop
		return
	fi
	if until_ok 25 level_is relay 0 &&
		json_ok /health '.checks["gpio:outputs"][0].blank == true'; then
		pass power-boundary "relay on at start (chip /dev/$CHIP)," \
			"off at $(date -u +%T) after the window began at $off"
	else
		fail power-boundary "at $(date -u +%T), window from $off:" \
			"relay $(level relay), $(json_show /health \
			'.checks["gpio:outputs"]')"
		dlog
	fi
	stop
}

checks_main() {
	check_chip || return
	check_plain_daemon
	check_gpio_daemon
	check_bad_gpio
	check_power_schedule
	check_power_boundary
}
