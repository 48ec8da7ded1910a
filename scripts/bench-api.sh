#!/usr/bin/env bash
# API benchmark (issue 4), on loopback, bounded in time:
#  1. GET /api/v1/places for a city-sized bbox (Helsinki centre) of the 20-region extract,
#     with wrk, beside Go's http.FileServer serving a file of the same size (target ≥ 0.5×),
#     with the response cache on (the default) and off (--cache -1);
#  2. report POSTs per second (wrk + Lua; 201 with the new status, the default answer, and
#     with the place document as the map asks for it), beside raw SQLite one-row-transaction
#     loops with the same durability settings (target ≥ 0.3×): into a bare table on the
#     driver connection with its statements prepared once, as the server's writer runs
#     (BenchmarkRawOneRowTxDriver), the same through database/sql (BenchmarkRawOneRowTx), and
#     the same report row into the reports table of a copy of the benchmark database
#     (BenchmarkRawReportTx);
#     every acknowledged report is then counted in the database; the write ratio is the median
#     of ROUNDS (3) rounds, each a wrk run on a fresh copy of the imported database and the
#     raw loops right after; a last run on the last round's database (its reports kept)
#     shows how writes slow as reports pile up; all of this at the default durability (full:
#     the WAL synced at each commit), server and loops alike, then one round of each at
#     --durability normal (synced at checkpoints) for the record.
# Everything generated goes to a temporary folder, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
# Every server below is given its durability; an exported fallback must
# not change it behind the labels.
unset OPENMAP_DURABILITY OPENMAP_RAW_DURABILITY
BENCH=${BENCH_PBF:-../shared/data/bench/merged-20-regions.osm.pbf}
BBOX=${BBOX:-24.90,60.15,24.98,60.18}
ZOOM=${ZOOM:-15}
DUR=${DUR:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-16}
PORT_API=${PORT_API:-18181}
PORT_FS=${PORT_FS:-18182}
[ -f "$BENCH" ] || { echo "bench-api: $BENCH not found" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench-api: wrk is not installed" >&2; exit 1; }
TMP=$(mktemp -d)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

go build -o "$TMP/openmap" ./cmd/openmap
go build -o "$TMP/fileserver" ./scripts/fileserver
"$TMP/openmap" import --quiet --db "$TMP/bench.db" "$BENCH" >/dev/null

SERVED=$TMP/bench.db
serve() { # serve EXTRA_FLAGS...: start openmap serve on $SERVED, wait for /healthz
	"$TMP/openmap" serve --db "$SERVED" --addr "127.0.0.1:$PORT_API" --log json --trust-proxy \
		--read-rate -1 --report-rate -1 --contributor-rate -1 "$@" 2>>"$TMP/serve.log" &
	SERVE_PID=$!
	PIDS+=("$SERVE_PID")
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$PORT_API/healthz" >/dev/null && return 0
		sleep 0.1
	done
	echo "bench-api: serve did not start" >&2; cat "$TMP/serve.log" >&2; exit 1
}
stop_serve() { kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; }

# wrk_run NAME ARGS...: prints "NAME req/s p50 p99"
wrk_run() {
	local name=$1; shift
	wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency "$@" >"$TMP/wrk.out" 2>&1
	local rps p50 p99 non2xx
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$TMP/wrk.out")
	p50=$(awk '$1 == "50%" {print $2}' "$TMP/wrk.out")
	p99=$(awk '$1 == "99%" {print $2}' "$TMP/wrk.out")
	non2xx=$(awk '/Non-2xx/ {print $NF}' "$TMP/wrk.out")
	REQS=$(awk '/requests in/ {print $1}' "$TMP/wrk.out")
	printf '%-34s %10s %9s %9s %s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:+non-2xx: $non2xx}"
	RPS=$rps
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

URL="/api/v1/places?bbox=$BBOX&zoom=$ZOOM"
mkdir -p "$TMP/www"
serve
curl -sf -o "$TMP/www/places.json" "http://127.0.0.1:$PORT_API$URL"
SIZE=$(wc -c <"$TMP/www/places.json")
NPLACES=$(grep -o '"id":"[a-z]*/[0-9]*"' "$TMP/www/places.json" | wc -l)
grep -o '"id":"[a-z]*/[0-9]*"' "$TMP/www/places.json" | sed 's/"id":"\(.*\)"/\1/' >"$TMP/ids.txt"
"$TMP/fileserver" -addr "127.0.0.1:$PORT_FS" -dir "$TMP/www" &
PIDS+=("$!")
sleep 0.3

echo "GET $URL: $NPLACES places, $SIZE bytes; wrk -t$THREADS -c$CONNS -d$DUR on loopback; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-34s %10s %9s %9s\n' "" "req/s" "p50" "p99"
wrk_run "http.FileServer (same size)" "http://127.0.0.1:$PORT_FS/places.json"; FS=$RPS
wrk_run "openmap /places (cache on)" "http://127.0.0.1:$PORT_API$URL"; API=$RPS
stop_serve
serve --cache -1
wrk_run "openmap /places (cache off)" "http://127.0.0.1:$PORT_API$URL"; API_NC=$RPS
echo "ratio to FileServer: cache on $(ratio "$API" "$FS")×, cache off $(ratio "$API_NC" "$FS")× (target ≥ 0.5×)"

echo
# Writes. Each run starts from a fresh copy of the imported database, as
# the raw loops start from an empty table (BenchmarkRawOneRowTx) or a
# fresh copy (BenchmarkRawReportTx): without that, every run would pile
# some 190,000 more reports onto the same 1,340 places and the rounds
# would not measure the same thing. The machine is shared and its speed
# wobbles (±30 % between minutes), so the write ratio is taken ROUNDS
# times, each round a wrk run of report posts then the raw loops right
# after on the idle machine; the median round counts. A last run goes on
# the last round's database, already holding its reports, beside the
# same-row raw loop on that database, to show how writes slow as reports
# pile up.
ROUNDS=${ROUNDS:-3}
go test -c -o "$TMP/store.test" ./internal/store
fresh() { # fresh FLAGS...: serve a fresh copy of the imported database
	stop_serve
	cp "$TMP/bench.db" "$TMP/write.db"
	rm -f "$TMP/write.db-wal" "$TMP/write.db-shm"
	sync # the copy's pages are on disk before syncs are timed
	SERVED=$TMP/write.db
	serve "$@"
}
STORED=0
SENT=0
count() { # count: add the reports of write.db to STORED
	STORED=$((STORED + $(sqlite3 "$TMP/write.db" 'SELECT count(*) FROM reports')))
}
raw_tx() { # raw_tx BENCH DB DURABILITY: transactions per second of a store benchmark
	local out
	if ! out=$(OPENMAP_RAW_DB="$2" OPENMAP_RAW_DURABILITY="$3" "$TMP/store.test" -test.run '^$' -test.bench "^Benchmark$1\$" -test.benchtime 3s 2>&1); then
		echo "bench-api: Benchmark$1 failed:" >&2; echo "$out" >&2; exit 1
	fi
	awk -v b="Benchmark$1" '$1 ~ "^" b "(-[0-9]+)?$" {printf "%.0f", 1e9 / $3}' <<<"$out"
}
# write_round N DURABILITY: report posts on a fresh database served with
# that durability, then the raw loops with the same one on the idle
# machine; sets POSTMIN, RAW, RAWDRV, RAWROW.
write_round() {
	fresh --durability "$2"
	wrk_run "openmap POST reports (201, status)" -s scripts/bench-api-post.lua "http://127.0.0.1:$PORT_API" -- "$TMP/ids.txt"; POSTMIN=$RPS; SENT=$((SENT + REQS))
	stop_serve
	cp "$TMP/bench.db" "$TMP/raw.db"
	rm -f "$TMP/raw.db-wal" "$TMP/raw.db-shm"
	sync
	RAW=$(raw_tx RawOneRowTx "" "$2")
	RAWDRV=$(raw_tx RawOneRowTxDriver "" "$2")
	RAWROW=$(raw_tx RawReportTx "$TMP/raw.db" "$2")
	printf '%-34s %10s   round %s: %s×\n' "raw SQLite, bare table, driver" "$RAWDRV" "$1" "$(ratio "$POSTMIN" "$RAWDRV")"
	printf '%-34s %10s   round %s: %s×\n' "raw SQLite, bare table, database/sql" "$RAW" "$1" "$(ratio "$POSTMIN" "$RAW")"
	printf '%-34s %10s   round %s: %s×\n' "raw SQLite, the same report row" "$RAWROW" "$1" "$(ratio "$POSTMIN" "$RAWROW")"
}
echo "Writes, durability full (the default: the WAL is synced at each commit; an acknowledged report survives a power cut):"
fresh --durability full
# The floor of any answer: /healthz does nothing behind the same middleware.
wrk_run "openmap GET /healthz (for scale)" "http://127.0.0.1:$PORT_API/healthz"; HEALTHZ=$RPS
wrk_run "openmap POST reports (201, place doc)" -s scripts/bench-api-post.lua "http://127.0.0.1:$PORT_API" -- "$TMP/ids.txt" place; POST=$RPS; SENT=$REQS
stop_serve; count
RATIOS=()
RATIOS_DRV=()
DRVS=()
RATIOS_ROW=()
for r in $(seq "$ROUNDS"); do
	write_round "$r" full
	RATIOS+=("$(ratio "$POSTMIN" "$RAW")")
	RATIOS_DRV+=("$(ratio "$POSTMIN" "$RAWDRV")")
	DRVS+=("$RAWDRV")
	RATIOS_ROW+=("$(ratio "$POSTMIN" "$RAWROW")")
	if [ "$r" -lt "$ROUNDS" ]; then count; fi
done
echo "place document answer to the last driver loop: $(ratio "$POST" "$RAWDRV")×"
# The last round's database, with its reports: one more run on it.
HELD=$(sqlite3 "$TMP/write.db" 'SELECT count(*) FROM reports')
serve --durability full
wrk_run "openmap POST reports (201, status)" -s scripts/bench-api-post.lua "http://127.0.0.1:$PORT_API" -- "$TMP/ids.txt"; GROWN=$RPS; SENT=$((SENT + REQS))
stop_serve; count
cp "$TMP/write.db" "$TMP/raw.db"
rm -f "$TMP/raw.db-wal" "$TMP/raw.db-shm"
sync
RAWGROWN=$(raw_tx RawReportTx "$TMP/raw.db" full)
printf '%-34s %10s   on a database already holding %d reports: status answer %s× (to the last bare loops: driver %s×, database/sql %s×)\n' \
	"raw SQLite, the same report row" "$RAWGROWN" "$HELD" "$(ratio "$GROWN" "$RAWGROWN")" "$(ratio "$GROWN" "$RAWDRV")" "$(ratio "$GROWN" "$RAW")"
# The other durability, --durability normal (synced at checkpoints only),
# for the record: one round, server and loops alike.
echo
echo "Writes, durability normal (--durability normal: synced at checkpoints; survives a crash of openmap, not a power cut):"
fresh --durability normal
wrk_run "openmap GET /healthz (for scale)" "http://127.0.0.1:$PORT_API/healthz"; HEALTHZ_NORMAL=$RPS
write_round normal normal
count
NORMAL_DRV=$(ratio "$POSTMIN" "$RAWDRV")
NORMAL_HEALTHZ=$(ratio "$HEALTHZ_NORMAL" "$RAWDRV")
echo
echo "reports stored: $STORED; answers wrk counted: $SENT (requests in flight when wrk stops are stored too)"
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
echo "status answer (the default) to the raw loops of the same durability, full, median of $ROUNDS rounds (target ≥ 0.3×):"
echo "  bare table on the driver connection, statements prepared once $(median "${RATIOS_DRV[@]}")× (rounds: ${RATIOS_DRV[*]});"
echo "  bare table through database/sql $(median "${RATIOS[@]}")× (rounds: ${RATIOS[*]}); same report row $(median "${RATIOS_ROW[@]}")× (rounds: ${RATIOS_ROW[*]})"
echo "with --durability normal, one round: $NORMAL_DRV× the driver loop of that durability (target ≥ 0.3×; GET /healthz, measured in that round, is $NORMAL_HEALTHZ× of that loop, for scale)"
[ "$STORED" -ge "$SENT" ] || echo "bench-api: only $STORED reports stored for $SENT answers" >&2
grep -c '"status":5' "$TMP/serve.log" | awk '{ if ($1 > 0) print "5xx answers in the log: " $1 }' || true
