#!/usr/bin/env bash
# Day-page throughput: wrk with 64 connections on loopback against
# /papers/date/2026-08-21 of a hub holding the demo catalogue, beside a
# static file served by the same binary in the same run (the baseline), with
# the page cache on (the default) and off. Prints a Markdown table for
# BENCHMARKS.md.
#
#   bench/http.sh [DURATION] [--postgres]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duration=${1:-10s}
work=$(mktemp -d /tmp/quire-bench.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; stop_postgres 2>/dev/null || true; rm -rf "$work"' EXIT
. "$root/bench/lib.sh"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
build_quire
db="$work/quire.db"
if [ "${2:-}" = "--postgres" ]; then
	start_postgres
	db=$pg_url
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

serve() { # page-cache TTL
	[ -n "$pid" ] && kill "$pid" && wait "$pid" 2>/dev/null || true
	"$work/quire" serve --db "$db" --addr "127.0.0.1:$port" --log-level warn --page-cache-ttl "$1" 2>>"$work/serve.log" &
	pid=$!
	for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && return; sleep 0.2; done
	echo "the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1
}

bench() { # name url baseline_rps
	wrk -t2 -c64 -d"$duration" --latency "$2" >"$work/wrk"
	local rps p99 non2xx
	rps=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk")
	p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk")
	non2xx=$(awk '/Non-2xx/ { print $NF }' "$work/wrk")
	awk -v n="$1" -v r="$rps" -v p="$p99" -v b="${3:-$rps}" -v e="${non2xx:-0}" \
		'BEGIN { printf "| %s | %.0f | %s | %.2f | %s |\n", n, r, p, r / b, e }'
	last_rps=$rps
}

serve 3s
day="$base/papers/date/2026-08-21"
css=$(curl -fs "$day" | grep -o '/static/[^"]*style.css' | head -1)
curl -fs "$day" | grep -q 'class="card"' || { echo "the day page has no papers" >&2; exit 1; }
echo "| request | requests/s | p99 latency | ratio to static file | non-2xx |"
echo "|---|---|---|---|---|"
bench "static file (baseline) $css" "$base$css"
static=$last_rps
bench "day page, page cache on (3s)" "$day" "$static"
serve 0
bench "day page, page cache off" "$day" "$static"
