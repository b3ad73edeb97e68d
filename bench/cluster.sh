#!/usr/bin/env bash
# Load and fault tests (issue 7): a mixed load on two `quire serve` nodes
# sharing one PostgreSQL database, faults injected while it runs, and an
# audit of every write the nodes acknowledged; or the same load on a single
# node over SQLite. Everything runs on loopback and stops by itself.
#
#   bench/cluster.sh [postgres|sqlite] [N]     # default: postgres 20000
#
# Steps: build quire and bench/loadgen; import the first N papers of the
# bench/gen1m catalogue (cached in bench/out/search/, generated on first
# use) and the Hugging Face daily-papers archive (so that the lists have
# papers to vote on) into a throwaway PostgreSQL cluster or a SQLite file;
# `quire index`; create ACCOUNTS accounts with `quire user create`; start
# Mailpit and the nodes, each on its own copy of the index snapshot; sign
# the accounts in and give each an API token (loadgen setup); then the load
# (loadgen run: 90% page and API reads, 8% searches, 2% writes: upvotes and
# comments through the API, subscriptions through the web form) with these
# phases, each fault's start and end written to faults.txt:
#
#   WARMUP + STEADY s   no fault (the first WARMUP s are left out of figures)
#   kill-node           kill -9 of the last node; restarted after DOWN s
#                       (with one node, the site is down meanwhile)
#   pg-restart          pg_ctl restart -m fast (postgres only)
#   smtp-refusal        Mailpit answers 451 to every sender for CHAOS s
#   each followed by GAP s of load.
#
# Then the load stops, the audit checks every write (loadgen audit), and
# with postgres a third node joins the cluster three times: with a copy of
# the index snapshot, without one (it fetches the snapshot `quire index`
# shared through the database), and with sharing off (it rebuilds the
# index from the database), timed until /healthz answers 200 and until
# searches answer. The nodes trust 127.0.0.1 as their proxy, as
# they would trust a load balancer, so that each account's X-Forwarded-For
# address carries the per-address limits of log-ins and mail.
#
# Environment: QUIRE_REV (build quire from this commit, e.g. HEAD, instead
# of the working tree), ACCOUNTS (200), CONCURRENCY (32), WARMUP (10), STEADY (30),
# GAP (20), DOWN (5), CHAOS (10), MIX (loadgen's default), JOIN (1: measure
# the joins; 0: skip), JOIN_TIMEOUT (600 s: how long a joining node may take), DATA (../shared/data), RESULTS (bench/out/cluster):
# where cluster-MODE-N.md and the run's raw files go.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-postgres}
n=${2:-20000}
case $mode in postgres | sqlite) ;; *) echo "usage: bench/cluster.sh [postgres|sqlite] [N]" >&2; exit 2 ;; esac
case $n in *[!0-9]* | "") echo "usage: bench/cluster.sh [postgres|sqlite] [N]" >&2; exit 2 ;; esac
accounts=${ACCOUNTS:-200}
concurrency=${CONCURRENCY:-32}
warmup=${WARMUP:-10} steady=${STEADY:-30} gap=${GAP:-20} down=${DOWN:-5} chaos=${CHAOS:-10}
join=${JOIN:-1}
join_timeout=${JOIN_TIMEOUT:-600}
data=${DATA:-$root/../shared/data}
results=${RESULTS:-$root/bench/out/cluster}
mkdir -p "$results" "$root/bench/out/search"
catalogue="$root/bench/out/search/papers-$n-seed1.jsonl.zst"
queries="$root/bench/out/search/queries-seed1.jsonl"
daily="$data/hf-daily/papers.jsonl.zst"
[ -f "$daily" ] || { echo "$daily is missing (set DATA)" >&2; exit 1; }
if [ ! -f "$catalogue" ] || [ ! -f "$queries" ]; then
	echo "generating $catalogue" >&2
	(cd "$root" && go run ./bench/gen1m -n "$n" -seed 1 -o "$catalogue" -queries "$queries" -data "$data")
fi

work=$(mktemp -d /tmp/quire-cluster.XXXXXX)
declare -A node_pid=() node_port=()
mp="" load=""
cleanup() {
	set +e
	[ -n "$load" ] && kill "$load" 2>/dev/null
	for k in "${!node_pid[@]}"; do kill -9 "${node_pid[$k]}" 2>/dev/null; done
	[ -n "$mp" ] && kill "$mp" 2>/dev/null
	wait 2>/dev/null
	[ -n "${pg_url:-}" ] && stop_postgres
	rm -rf "$work"
}
trap cleanup EXIT
. "$root/bench/lib.sh"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

echo "building" >&2
if [ -n "${QUIRE_REV:-}" ]; then
	# A committed revision, untouched by edits in progress in the checkout.
	rev=$(git -C "$root" rev-parse --short "$QUIRE_REV")
	mkdir -p "$work/src"
	git -C "$root" archive "$rev" | tar -x -C "$work/src"
	(cd "$work/src" && go build -o "$work/quire" ./cmd/quire)
else
	# The commit the working tree stood at when built, and whether it had
	# edits: commits made while the run goes on must not be credited.
	built_at=$(git -C "$root" rev-parse --short HEAD)
	[ -z "$(git -C "$root" status --porcelain --untracked-files=no)" ] || built_at+=" with uncommitted edits"
	build_quire
fi
q="$work/quire"
(cd "$root" && go build -o "$work/loadgen" ./bench/loadgen)
lg="$work/loadgen"
export QUIRE_SECRET=cluster-bench-secret-cluster-bench-secret
if [ "$mode" = postgres ]; then
	start_postgres
	db=$pg_url
	nodes=2
else
	db="$work/quire.db"
	nodes=1
fi

log "importing $n papers and the daily-papers archive ($mode)"
read -r import_s import_rss < <(measure "$q" import --db "$db" "$catalogue" "$daily")
log "indexing"
read -r index_s index_rss < <(measure "$q" index --db "$db" --index-path "$work/search.idx")
log "creating $accounts accounts"
echo "cluster-bench-password" >"$work/password"
accounts_start=$(now)
seq "$accounts" | xargs -P 2 -I{} sh -c 'i=$(printf %04d "$1"); "$2" user create --db "$3" --username "load$i" --email "load$i@example.com" --password-file "$4" >/dev/null' _ {} "$q" "$db" "$work/password"
accounts_s=$(since "$accounts_start")

mailpit=$(command -v mailpit || echo "$(go env GOPATH)/bin/mailpit")
smtp_port=$(free_port) mp_port=$(free_port)
"$mailpit" --smtp "127.0.0.1:$smtp_port" --listen "127.0.0.1:$mp_port" --database "$work/mailpit.db" \
	--max 0 --quiet --disable-version-check --smtp-disable-rdns --enable-chaos >"$work/mailpit.log" 2>&1 &
mp=$!
mp_url="http://127.0.0.1:$mp_port"
for _ in $(seq 100); do curl -sf "$mp_url/api/v1/info" >/dev/null 2>&1 && break; sleep 0.1; done

# start_node K IDX [SHARE] starts node K on the snapshot file IDX, sharing
# snapshots through the database every SHARE (default 6h; 0: never, so
# that a node without a snapshot file rebuilds its index).
start_node() {
	local k=$1
	[ -n "${node_port[$k]:-}" ] || node_port[$k]=$(free_port)
	QUIRE_SNAPSHOT_SHARE_INTERVAL=${3:-6h} "$q" serve --db "$db" --index-path "$2" --addr "127.0.0.1:${node_port[$k]}" --log-level warn \
		--arxiv-sets none --trusted-proxies 127.0.0.1 --new-account-delay 0 \
		--smtp-host 127.0.0.1 --smtp-port "$smtp_port" --smtp-security none --mail-from "Quire <quire@example.com>" \
		2>>"$work/node$k.log" &
	node_pid[$k]=$!
}

# wait_ready K TIMEOUT waits until node K's /healthz answers 200 and a
# search answers with results, and sets healthy_s and ready_s (seconds
# since the call); it fails if the node stops or TIMEOUT passes.
wait_ready() {
	local k=$1 start code
	start=$(now)
	healthy_s="" ready_s=""
	local base="http://127.0.0.1:${node_port[$k]}"
	while :; do
		kill -0 "${node_pid[$k]}" 2>/dev/null || { echo "node $k stopped:" >&2; tail -20 "$work/node$k.log" >&2; return 1; }
		if [ "$(since "$start" | cut -d. -f1)" -ge "$2" ]; then echo "node $k not ready after $2 s" >&2; return 1; fi
		if [ -z "$healthy_s" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")" = 200 ]; then
			healthy_s=$(since "$start")
		fi
		if [ -n "$healthy_s" ]; then
			code=$(curl -s -o "$work/probe$k" -w '%{http_code}' "$base/api/papers/search?q=language+models&limit=5" || true)
			if [ "$code" = 200 ] && [[ $(head -c 50 "$work/probe$k") =~ ^\[[[:space:]]*\{ ]]; then
				ready_s=$(since "$start")
				return 0
			fi
		fi
		sleep 0.2
	done
}

bases=""
for k in $(seq "$nodes"); do
	cp "$work/search.idx" "$work/node$k.idx"
	start_node "$k" "$work/node$k.idx"
	wait_ready "$k" 600
	log "node $k ready in ${ready_s}s"
	bases+="${bases:+,}http://127.0.0.1:${node_port[$k]}"
done

log "signing in $accounts accounts"
"$lg" setup -base "$bases" -accounts "$accounts" -prefix load -password-file "$work/password" \
	-queries "$queries" -o "$work/state.json"

run="$work/run"
faults="$run/faults.txt"
mkdir -p "$run"
: >"$faults"
mix_flag=()
[ -n "${MIX:-}" ] && mix_flag=(-mix "$MIX")
log "load: $concurrency clients on $bases"
"$lg" run -base "$bases" -state "$work/state.json" -c "$concurrency" -d 900s "${mix_flag[@]}" -out "$run" &
load=$!
sleep $((warmup + steady))

# kill -9 of the last node; restarted after DOWN s on its own snapshot.
victim=$nodes
log "fault: kill -9 node $victim"
t0=$(now)
kill -9 "${node_pid[$victim]}"
wait "${node_pid[$victim]}" 2>/dev/null || true
sleep "$down"
start_node "$victim" "$work/node$victim.idx"
t1=$(now)
echo "kill-node $t0 $t1" >>"$faults"
wait_ready "$victim" 600
restart_ready=$ready_s
log "node $victim back: healthy after ${healthy_s}s, searching after ${ready_s}s"
sleep "$gap"

pg_restart_s=""
if [ "$mode" = postgres ]; then
	log "fault: PostgreSQL restart"
	t0=$(now)
	$pg_as "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -m fast restart >/dev/null
	t1=$(now)
	pg_restart_s=$(awk -v s="$t0" -v e="$t1" 'BEGIN { printf "%.1f", e - s }')
	echo "pg-restart $t0 $t1" >>"$faults"
	sleep "$gap"
fi

log "fault: SMTP refusals for ${chaos}s"
t0=$(now)
curl -sf -X PUT -H 'Content-Type: application/json' -d '{"Sender":{"ErrorCode":451,"Probability":100}}' "$mp_url/api/v1/chaos" >/dev/null
sleep "$chaos"
curl -sf -X PUT -H 'Content-Type: application/json' -d '{}' "$mp_url/api/v1/chaos" >/dev/null
t1=$(now)
echo "smtp-refusal $t0 $t1" >>"$faults"
sleep "$gap"

kill -TERM "$load"
wait "$load"
load=""
# Rendered pages are cached for 3 s: the audit reads after that.
sleep 4
log "audit"
audit_ok=1
"$lg" audit -base "$bases" -state "$work/state.json" -out "$run" -password-file "$work/password" -mailpit "$mp_url" >"$work/audit.txt" || audit_ok=0
cat "$work/audit.txt" >&2

join_rows=""
if [ "$mode" = postgres ] && [ "$join" = 1 ]; then
	k=$((nodes + 1))
	# join_node WHAT SHARE times node k joining on $work/join.idx as it stands,
	# sharing snapshots every SHARE, adds a row named WHAT, and stops it.
	join_node() {
		log "joining node $k: $1"
		start_node "$k" "$work/join.idx" "$2"
		if wait_ready "$k" "$join_timeout"; then
			join_rows+="| $1 | $healthy_s | $ready_s |"$'\n'
		else
			join_rows+="| $1 | ${healthy_s:-–} | not ready in $join_timeout s |"$'\n'
		fi
		kill -9 "${node_pid[$k]}"; wait "${node_pid[$k]}" 2>/dev/null || true
	}
	cp "$work/search.idx" "$work/join.idx"
	join_node "with a copy of the index snapshot" 6h
	rm -f "$work/join.idx"
	join_node "no snapshot file: fetches the one shared through the database" 6h
	rm -f "$work/join.idx"
	join_node "no snapshot at all (sharing off): rebuilds from the database" 0
	unset "node_pid[$k]"
fi

out="$results/cluster-$mode-$n.md"
backend=$([ "$mode" = postgres ] && echo "two nodes on one PostgreSQL 15" || echo "one node on SQLite")
{
	echo "## $backend, $n papers (+ the daily-papers archive), $(date -u +%Y-%m-%dT%H:%MZ)"
	echo
	echo "    bench/cluster.sh $mode $n   # ACCOUNTS=$accounts CONCURRENCY=$concurrency WARMUP=$warmup STEADY=$steady GAP=$gap DOWN=$down CHAOS=$chaos${MIX:+ MIX=$MIX}"
	echo
	if [ -n "${QUIRE_REV:-}" ]; then
		echo "quire built from commit $rev."
	else
		echo "quire built from the working tree (at commit $built_at)."
	fi
	echo "Import ${import_s}s, \`quire index\` ${index_s}s (peak RSS $((index_rss / 1024)) MB), $accounts accounts created in ${accounts_s}s."
	echo "After kill -9 the node came back (healthz 200 and searches answering) ${restart_ready}s after its restart${pg_restart_s:+; \`pg_ctl restart -m fast\` took ${pg_restart_s}s}."
	echo
	"$lg" report -out "$run" -faults "$faults" -warmup "${warmup}s" -name "$mode, $concurrency clients"
	echo
	echo "Audit: $(head -1 "$work/audit.txt")"
	tail -n +2 "$work/audit.txt" | sed 's/^/    /'
	if [ -n "$join_rows" ]; then
		echo
		echo "| a third node joins | /healthz 200 after (s) | searches answer after (s) |"
		echo "|---|---|---|"
		printf '%s' "$join_rows"
	fi
} >"$out"
mkdir -p "$results/run-$mode-$n"
cp "$run"/* "$work/state.json" "$results/run-$mode-$n/"
cat "$out"
[ "$audit_ok" = 1 ]
