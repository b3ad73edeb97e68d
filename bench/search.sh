#!/usr/bin/env bash
# Search at scale (issue 3), over a catalogue written by bench/gen1m: the
# real records plus synthetic ones derived from them. The catalogue and the
# query set (2,000 queries of 1-4 words of real titles, plus 30 searches
# for the most common words) are cached in bench/out/search/.
#
#   bench/search.sh bleve [N]                # default N = 200000
#   bench/search.sh api [N] [--postgres]     # default N = 1000000
#
# bleve: Quire's lexical index beside Bleve v2.6.3 (scorch on disk, English
#   analyzer, BM25) over the first N papers, each engine in its own process:
#   build time, memory, and the latency of the same OR top-20 queries run
#   one at a time, with the ratios Quire/Bleve (bench/bleve).
# api: the latency through `quire serve`: import N papers into a fresh
#   SQLite database (or a throwaway PostgreSQL cluster), `quire index`,
#   serve, then send the query set to the search API, lexical and hybrid,
#   one client at a time (bench/searchload); build time and server memory.
#
# Environment: SEED (1), CLIENTS (1), SEARCH_PATH (/api/papers/search),
# LEXICAL_PARAMS (limit=20&mode=lexical), HYBRID_PARAMS (limit=20&mode=hybrid):
# the query string after q=... for each kind of search; RESULTS (the cache
# folder): where the api mode writes its results and the log of `quire
# index`, whose stage timings show where the build time goes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-}
shift || true
n="" postgres=""
for arg in "$@"; do
	case $arg in
	--postgres) postgres=1 ;;
	*[!0-9]* | "") echo "usage: bench/search.sh bleve|api [N] [--postgres]" >&2; exit 2 ;;
	*) n=$arg ;;
	esac
done
case $mode in
bleve) n=${n:-200000} ;;
api) n=${n:-1000000} ;;
*) echo "usage: bench/search.sh bleve|api [N] [--postgres]" >&2; exit 2 ;;
esac
seed=${SEED:-1}
clients=${CLIENTS:-1}
search_path=${SEARCH_PATH:-/api/papers/search}
lexical_params=${LEXICAL_PARAMS:-limit=20&mode=lexical}
hybrid_params=${HYBRID_PARAMS:-limit=20&mode=hybrid}

out="$root/bench/out/search"
mkdir -p "$out"
file="$out/papers-$n-seed$seed.jsonl.zst"
queries="$out/queries-seed$seed.jsonl"
if [ ! -f "$file" ] || [ ! -f "$queries" ]; then
	echo "generating $file" >&2
	(cd "$root" && go run ./bench/gen1m -n "$n" -seed "$seed" -o "$file" -queries "$queries")
fi

work=$(mktemp -d /tmp/quire-bench.XXXXXX)
pid=""
# The server writes its index snapshot as it stops: wait for it before
# removing the folder. stop_pg stops the throwaway cluster by its data
# folder (lib.sh's stop_postgres reads variables local to start_postgres,
# which are gone by the time an EXIT trap runs).
stop_pg() {
	[ -d "$work/pg/data" ] || return 0
	local bin
	bin=$(dirname "$(readlink -f "$(command -v initdb)")")
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$bin/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null 2>&1
	else
		"$bin/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null 2>&1
	fi
}
trap 'set +e; [ -n "$pid" ] && { kill "$pid"; wait "$pid"; } 2>/dev/null; stop_pg; rm -rf "$work"' EXIT
. "$root/bench/lib.sh"

# status PID FIELD prints a memory figure of /proc/PID/status in MB.
status() { awk -v f="$2:" '$1 == f { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

if [ "$mode" = bleve ]; then
	bin="$work/searchbench"
	(cd "$root/bench/bleve" && go build -o "$bin" .)
	results="$out/bleve-$n.jsonl"
	: >"$results"
	for engine in bleve quire; do
		echo "indexing $n papers with $engine" >&2
		"$bin" -engine "$engine" -n "$n" -file "$file" -queries "$queries" -dir "$work/$engine" >>"$results"
	done
	echo "$n papers, $(grep -c . "$queries") queries, top 20, one at a time; results in ${results#"$root"/}"
	echo
	"$bin" -table "$results"
	exit 0
fi

build_quire
q="$work/quire"
(cd "$root" && go build -o "$work/searchload" ./bench/searchload)
db="$work/quire.db"
backend=SQLite
if [ -n "$postgres" ]; then
	start_postgres
	db=$pg_url
	backend=PostgreSQL
	# PostgreSQL deployments must configure the key of form tokens.
	export QUIRE_SECRET=${QUIRE_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
fi

index="$work/search.idx"
import_s="" import_m="" index_s="" index_m=""

# build_table prints the build figures measured so far.
build_table() {
	echo "| backend | papers | import (s) | import peak RSS (MB) | index (s) | index peak RSS (MB) | build total (s) |"
	echo "|---|---|---|---|---|---|---|"
	awk -v b="$backend" -v n="$n" -v is="$import_s" -v im="$import_m" -v xs="$index_s" -v xm="$index_m" 'BEGIN {
		if (xs == "") printf "| %s | %d | %.1f | %.0f | – | – | – |\n", b, n, is, im / 1024
		else printf "| %s | %d | %.1f | %.0f | %.1f | %.0f | %.1f |\n", b, n, is, im / 1024, xs, xm / 1024, is + xs }'
	echo
}

echo "importing $n papers into $backend" >&2
read -r import_s import_m < <(measure "$q" import --db "$db" "$file")
if ! "$q" help 2>&1 | grep -E '^ +index ' >/dev/null; then
	build_table
	echo "quire has no index command yet: stopping after the import." >&2
	exit 0
fi
results_dir=${RESULTS:-$out}
mkdir -p "$results_dir"
tag="$n-$(echo "$backend" | tr A-Z a-z)"
echo "indexing" >&2
read -r index_s index_m < <(measure "$q" index --db "$db" --index-path "$index")
cp "$work/err" "$results_dir/index-$tag.log"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
start=$(date +%s.%N)
"$q" serve --db "$db" --index-path "$index" --addr "127.0.0.1:$port" --log-level warn 2>>"$work/serve.log" &
pid=$!
for _ in $(seq 600); do
	curl -fs "$base/healthz" >/dev/null && break
	kill -0 "$pid" 2>/dev/null || { build_table; echo "the server stopped:" >&2; cat "$work/serve.log" >&2; exit 1; }
	sleep 0.2
done
# Ready when a search answers with results: the index may still be loading
# when the server starts listening (200 with no results, or 503). Any other
# answer means the server has no such search API.
probe="$base$search_path?q=language+models&$lexical_params"
ready=""
for _ in $(seq 1200); do
	code=$(curl -s -o "$work/probe" -w '%{http_code}' "$probe" || true)
	if [ "$code" = 200 ] && [[ $(head -c 100 "$work/probe") =~ ^\[[[:space:]]*\{ ]]; then
		ready=1
		break
	fi
	if [ "$code" != 200 ] && [ "$code" != 503 ]; then
		build_table
		echo "GET $probe answered $code: $(head -c 300 "$work/probe")" >&2
		echo "the server has no search API at $search_path (or not with these parameters): stopping after the build." >&2
		exit 0
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.5
done
if [ -z "$ready" ]; then
	echo "the server did not answer searches:" >&2
	cat "$work/serve.log" >&2
	exit 1
fi
ready_s=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
rss_ready=$(status "$pid" VmRSS)

results="$results_dir/api-$tag.jsonl"
: >"$results"
for kind in lexical hybrid; do
	params=$lexical_params
	[ "$kind" = hybrid ] && params=$hybrid_params
	echo "searching: $kind ($params)" >&2
	"$work/searchload" -base "$base" -path "$search_path" -params "$params" -queries "$queries" \
		-name "$kind" -c "$clients" >>"$results"
done
rss_after=$(status "$pid" VmRSS)
hwm=$(status "$pid" VmHWM)

echo "$backend, $n papers; results in ${results#"$root"/}"
echo
build_table
echo "| server | ready after start (s) | RSS ready (MB) | RSS after searches (MB) | peak RSS (MB) |"
echo "|---|---|---|---|---|"
echo "| quire serve, $backend | $ready_s | $rss_ready | $rss_after | $hwm |"
echo
"$work/searchload" -table "$results"
