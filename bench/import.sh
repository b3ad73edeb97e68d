#!/usr/bin/env bash
# Import throughput: the arXiv listings file (74,728 records) into SQLite and
# into PostgreSQL, beside a parse-only baseline (`quire import --dry-run`:
# the same reading, decompression and parsing, nothing stored) measured in
# the same run. Prints a Markdown table for BENCHMARKS.md.
#
#   bench/import.sh [FILE]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
file=$(readlink -f "${1:-$root/../shared/data/arxiv/cs_listings_2025-03_2026-07.jsonl.zst}")
work=$(mktemp -d /tmp/quire-bench.XXXXXX)
trap 'stop_postgres 2>/dev/null || true; rm -rf "$work"' EXIT
. "$root/bench/lib.sh"
build_quire
q="$work/quire"

records() { grep -o 'read [0-9,]* records' "$work/out" | tr -dc 0-9; }

row() { # name seconds rss_kb records baseline_seconds
	awk -v n="$1" -v s="$2" -v m="$3" -v r="$4" -v b="$5" 'BEGIN {
		printf "| %s | %s | %.2f | %.0f | %.0f | %.2f |\n", n, r, s, r / s, m / 1024, b / s }'
}

echo "| run | records | seconds | records/s | peak RSS (MB) | speed vs parse-only |"
echo "|---|---|---|---|---|---|"
read -r base_s base_m < <(measure "$q" import --dry-run "$file")
n=$(records)
row "parse only (baseline)" "$base_s" "$base_m" "$n" "$base_s"

read -r s m < <(measure "$q" import --db "$work/quire.db" "$file")
row "SQLite, empty database" "$s" "$m" "$(records)" "$base_s"
read -r s m < <(measure "$q" import --db "$work/quire.db" "$file")
row "SQLite, same file again" "$s" "$m" "$(records)" "$base_s"

start_postgres
read -r s m < <(measure "$q" import --db "$pg_url" "$file")
row "PostgreSQL, empty database" "$s" "$m" "$(records)" "$base_s"
read -r s m < <(measure "$q" import --db "$pg_url" "$file")
row "PostgreSQL, same file again" "$s" "$m" "$(records)" "$base_s"
