#!/usr/bin/env bash
# What a node spends to start: `quire serve` on an existing hub, timed from
# launch until its log says "search: index ready", with the CPU (user and
# system) and resident memory the process has used by then. Two binaries
# alternate, each on its own snapshot file (one written by `quire index` of
# that binary, since snapshot formats differ between versions), so that the
# first is the baseline of the second in the same run. Prints a Markdown
# table for BENCHMARKS.md.
#
#   bench/start.sh DB BINARY_A SNAPSHOT_A BINARY_B SNAPSHOT_B [RUNS]
#
# DB is a SQLite file or a postgres:// URL; RUNS (default 5) starts per
# binary. The snapshot files are copied first, and the copies used, so that
# a node saving at shutdown cannot change the next run's input.
set -euo pipefail
[ $# -ge 5 ] || { sed -n '2,/^set /p' "$0" | sed '$d' >&2; exit 2; }
db=$1 runs=${6:-5}
bins=("$2" "$4") snaps=("$3" "$5")
work=$(mktemp -d /tmp/quire-start.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
tick=$(getconf CLK_TCK)
for k in 0 1; do cp "${snaps[$k]}" "$work/snap$k"; done
export QUIRE_SECRET=${QUIRE_SECRET:-start-bench-secret-start-bench-secret}

# start K prints "wall user sys rss_mb" for one start of binary K.
start() {
	local k=$1 log="$work/log" t0 t1
	: >"$log"
	t0=$(date +%s.%N)
	QUIRE_ARXIV_SETS=none "${bins[$k]}" serve --db "$db" --index-path "$work/snap$k" \
		--addr "127.0.0.1:$port" --log-level info 2>"$log" &
	pid=$!
	until grep -q "search: index ready" "$log"; do
		kill -0 "$pid" 2>/dev/null || { echo "binary $k stopped:" >&2; tail -5 "$log" >&2; exit 1; }
		sleep 0.02
	done
	t1=$(date +%s.%N)
	read -r ut st < <(awk '{ print $14, $15 }' "/proc/$pid/stat")
	rss=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$pid/status")
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	pid=""
	awk -v a="$t0" -v b="$t1" -v u="$ut" -v s="$st" -v t="$tick" -v r="$rss" \
		'BEGIN { printf "%.2f %.2f %.2f %d\n", b - a, u / t, s / t, r }'
}

for r in $(seq "$runs"); do
	for k in 0 1; do
		echo "$k $(start "$k")" >>"$work/results"
	done
done

echo "| binary | starts | wall (s), median | CPU user + sys (s), median | RSS at ready (MB) |"
echo "|---|---|---|---|---|"
for k in 0 1; do
	awk -v k="$k" -v name="${bins[$k]}" '$1 == k { w[n] = $2; c[n] = $3 + $4; m[n] = $5; n++ }
		function median(a, n,   i, j, t) {
			for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2
		}
		END { printf "| %s | %d | %.2f | %.2f | %d |\n", name, n, median(w, n), median(c, n), median(m, n) }' "$work/results"
done
