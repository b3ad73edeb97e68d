#!/usr/bin/env bash
# E-mail digests at scale (issue 5), each figure beside a baseline measured
# in the same run (bench/digestbench):
#
#   bench/digest.sh build [N] [--postgres]   # N papers (default 1000000)
#   bench/digest.sh deliver [--postgres]
#
# build: import the N-paper catalogue of bench/gen1m (cached in
#   bench/out/search; generated on first use) and the real list of
#   2025-06-16 into a fresh database, create SUBSCRIBERS (100000) confirmed
#   subscribers with two topics each (a search from the query set, an arXiv
#   category), load a lexical search engine, then time the build and queue
#   of the daily digests of 2025-06-17 beside the bare write of the same
#   digests to the outbox.
# deliver: queue DIGESTS (5000) digests in a fresh database and deliver them
#   through the outbox to Mailpit with WORKERS (4) workers, beside the same
#   number of messages sent straight to Mailpit by as many workers.
#
# Results are appended to bench/out/digest/*.jsonl.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-}
shift || true
n=1000000 postgres=""
for arg in "$@"; do
	case $arg in
	--postgres) postgres=1 ;;
	*[!0-9]* | "") echo "usage: bench/digest.sh build [N] [--postgres] | deliver [--postgres]" >&2; exit 2 ;;
	*) n=$arg ;;
	esac
done
case $mode in build | deliver) ;; *) echo "usage: bench/digest.sh build [N] [--postgres] | deliver [--postgres]" >&2; exit 2 ;; esac
subscribers=${SUBSCRIBERS:-100000}
digests=${DIGESTS:-5000}
workers=${WORKERS:-4}

out="$root/bench/out"
mkdir -p "$out/digest" "$out/search"
work=$(mktemp -d /tmp/quire-digest.XXXXXX)
mp=""
trap 'set +e; [ -n "$mp" ] && kill "$mp" 2>/dev/null; [ -n "${pg_url:-}" ] && stop_postgres; rm -rf "$work"' EXIT
. "$root/bench/lib.sh"
build_quire
(cd "$root" && go build -o "$work/digestbench" ./bench/digestbench)

if [ -n "$postgres" ]; then
	start_postgres
	dsn=$pg_url backend=postgresql
else
	dsn="$work/quire.db" backend=sqlite
fi
export QUIRE_SECRET=bench-secret-bench-secret-bench-secret

if [ "$mode" = build ]; then
	file="$out/search/papers-$n-seed1.jsonl.zst"
	queries="$out/search/queries-seed1.jsonl"
	if [ ! -f "$file" ] || [ ! -f "$queries" ]; then
		(cd "$root" && go run ./bench/gen1m -n "$n" -seed 1 -o "$file" -queries "$queries")
	fi
	echo "importing $n papers ($backend)" >&2
	read -r secs rss < <(measure "$work/quire" import --db "$dsn" "$file" "$root/testdata/hf/daily_papers_2025-06-16.json")
	echo "  import: ${secs}s, peak RSS $((rss / 1024)) MB" >&2
	echo "building the digests of $subscribers subscribers" >&2
	"$work/digestbench" build -db "$dsn" -subscribers "$subscribers" -queries "$queries" -day 2025-06-17 |
		tee -a "$out/digest/build-$backend-$n.jsonl"
	exit 0
fi

# deliver
mailpit=$(command -v mailpit || echo "$(go env GOPATH)/bin/mailpit")
smtp_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$mailpit" --smtp "127.0.0.1:$smtp_port" --listen "127.0.0.1:$http_port" --database "$work/mailpit.db" \
	--max 0 --quiet --disable-version-check --smtp-disable-rdns >"$work/mailpit.log" 2>&1 &
mp=$!
for _ in $(seq 100); do
	curl -sf "http://127.0.0.1:$http_port/api/v1/info" >/dev/null 2>&1 && break
	sleep 0.1
done
"$work/quire" import --db "$dsn" "$root/testdata/hf/daily_papers_2025-06-16.json" >/dev/null 2>&1
"$work/digestbench" deliver -db "$dsn" -smtp "127.0.0.1:$smtp_port" -n "$digests" -workers "$workers" -day 2025-06-17 |
	tee -a "$out/digest/deliver-$backend.jsonl"
