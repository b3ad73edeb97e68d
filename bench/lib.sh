# Shared helpers of the benchmark scripts (sourced, not run).

# build_quire builds the binary into $work.
build_quire() {
	(cd "$root" && go build -o "$work/quire" ./cmd/quire)
}

# start_postgres starts a throwaway PostgreSQL 15 cluster in $work/pg on a
# free port and sets $pg_url; stop_postgres stops it. As root, the server
# runs as the postgres user (initdb refuses root).
start_postgres() {
	local port
	# Globals, not locals: stop_postgres runs from the EXIT trap.
	pg_bin=$(dirname "$(readlink -f "$(command -v initdb)")")
	pg_as=""
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
	mkdir -p "$work/pg"
	if [ "$(id -u)" = 0 ]; then
		chown postgres "$work" "$work/pg"
		chmod o+rx "$work"
		pg_as="runuser -u postgres --"
	fi
	$pg_as "$pg_bin/initdb" -D "$work/pg/data" -U postgres -A trust >/dev/null
	$pg_as "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1 -c shared_buffers=256MB" start >/dev/null
	pg_url="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	stop_postgres() { $pg_as "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null 2>&1 || true; }
}

# measure CMD... runs CMD and prints "seconds peak_rss_kb".
measure() {
	/usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
		cat "$work/err" >&2
		return 1
	}
	cat "$work/time"
}
