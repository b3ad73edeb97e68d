#!/usr/bin/env bash
# The full arXiv snapshot import (issue 6): a synthetic Kaggle-format
# snapshot of N records (default 2,900,000, about the size of arXiv; written
# by bench/gensnapshot from the real sample in testdata/arxiv and cached in
# bench/out/snapshot), imported by bench/import.sh: parse-only baseline,
# SQLite, PostgreSQL.
#
#   bench/snapshot.sh [N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-2900000}
out="$root/bench/out/snapshot"
mkdir -p "$out"
file="$out/snapshot-$n.jsonl"
if [ ! -f "$file" ]; then
	echo "generating $file" >&2
	(cd "$root" && go run ./bench/gensnapshot -n "$n" -o "$file")
fi
exec "$root/bench/import.sh" "$file"
