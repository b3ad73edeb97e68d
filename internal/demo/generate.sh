#!/bin/sh
# Rebuilds the demo catalogue embedded in the binary from the real data in
# ../shared/data: ten weeks of daily lists (2026-06-15 to 2026-08-21) and
# the arXiv cs listings of the last days of June 2026.
set -eu
data=${1:-../../../shared/data}
cd "$(dirname "$0")"
zstd -dc "$data/hf-daily/daily_papers_by_day.jsonl.zst" |
	awk '{ d = substr($0, 11, 10); if (d >= "2026-06-15") print }' |
	zstd -19 -q -f -o data/daily_papers_2026-06-15_2026-08-21.jsonl.zst
zstd -dc "$data/arxiv/cs_listings_2025-03_2026-07.jsonl.zst" |
	awk '{ d = substr($0, 19, 10); if (d >= "2026-06-22") print }' |
	zstd -19 -q -f -o data/arxiv_cs_listings_2026-06-23_2026-07-01.jsonl.zst
