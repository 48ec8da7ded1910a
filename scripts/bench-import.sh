#!/usr/bin/env bash
# Import benchmark (issue 2): the full import of the 20-region benchmark extract against
# `osmium tags-filter -R` on the same file, then memory on two files 4× larger, made with
# shifted ids (osmium renumber), one with 4× the places and one with the same places
# (the extra copies have their POIs removed). Generated files go to a cache folder, never git.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${BENCH_PBF:-../shared/data/bench/merged-20-regions.osm.pbf}
CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/openmap-bench}
RUNS=${RUNS:-5}
BIN=bin/openmap
[ -f "$BENCH" ] || { echo "bench-import: $BENCH not found" >&2; exit 1; }
[ -x "$BIN" ] || make -s build
mkdir -p "$CACHE"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FILTER=(nwr/shop nwr/amenity nwr/craft nwr/healthcare nwr/office)

# The 4× files.
if [ ! -f "$CACHE/x4-places.osm.pbf" ] || [ ! -f "$CACHE/x4-same.osm.pbf" ]; then
	echo "making the 4x files in $CACHE (once)…"
	# every key the category table looks at, so the copies add no place
	osmium tags-filter -i -R -O -o "$CACHE/nopoi.osm.pbf" "$BENCH" "${FILTER[@]}" nwr/leisure nwr/tourism nwr/post_office nwr/social_facility nwr/information nwr/recycling_type
	for k in 1 2 3; do
		osmium renumber -O -s $((k * 20000000000)),$((k * 2000000000)),$((k * 100000000)) -o "$CACHE/copy$k.osm.pbf" "$BENCH"
		osmium renumber -O -s $((k * 20000000000)),$((k * 2000000000)),$((k * 100000000)) -o "$CACHE/nopoi$k.osm.pbf" "$CACHE/nopoi.osm.pbf"
	done
	osmium merge -O -o "$CACHE/x4-places.osm.pbf" "$BENCH" "$CACHE"/copy{1,2,3}.osm.pbf
	osmium merge -O -o "$CACHE/x4-same.osm.pbf" "$BENCH" "$CACHE"/nopoi{1,2,3}.osm.pbf
	rm -f "$CACHE"/copy?.osm.pbf "$CACHE"/nopoi*.osm.pbf
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# measure CMD...: seconds and peak RSS (KB) of one run, in $secs and $kb;
# a failing command stops the script.
measure() {
	if ! /usr/bin/time -f '%e %M' -o "$TMP/time" "$@" >/dev/null 2>"$TMP/err"; then
		echo "bench-import: failed: $*" >&2
		cat "$TMP/err" >&2
		exit 1
	fi
	read -r secs kb <"$TMP/time"
}

printf '%-22s %8s %8s %10s %10s %7s %10s %9s\n' file MB places openmap_s osmium_s ratio places/s peak_MB
for f in "$BENCH" "$CACHE/x4-same.osm.pbf" "$CACHE/x4-places.osm.pbf"; do
	imp=() osm=() mem=()
	for i in $(seq "$RUNS"); do
		rm -f "$TMP"/b.db*
		measure "$BIN" import --quiet --db "$TMP/b.db" "$f"
		imp+=("$secs") mem+=("$kb")
		measure osmium tags-filter -R -O -o "$TMP/o.osm.pbf" "$f" "${FILTER[@]}"
		osm+=("$secs")
	done
	places=$("$BIN" stats --db "$TMP/b.db" --json | sed 's/.*"places":\([0-9]*\).*/\1/')
	ti=$(printf '%s\n' "${imp[@]}" | median)
	to=$(printf '%s\n' "${osm[@]}" | median)
	pm=$(printf '%s\n' "${mem[@]}" | sort -n | tail -1)
	awk -v f="$(basename "$f")" -v size="$(stat -c %s "$f")" -v p="$places" -v ti="$ti" -v to="$to" -v pm="$pm" 'BEGIN {
		printf "%-22s %8.1f %8d %10.2f %10.2f %7.2f %10.0f %9.0f\n", f, size/1048576, p, ti, to, ti/to, p/ti, pm/1024 }'
done
echo "(median of $RUNS runs each; targets: ratio <= 3, peak < 512 MB, peak growing with places, not file size)"
