#!/usr/bin/env bash
# bench/run.sh: the obsc benchmark (make bench). See bench/README.md.
#
#   bench/run.sh [N...]        default: 100 1000 10000
#
# For each N it generates N modules (bench/gen), then measures with
# /usr/bin/time -v: a cold obsc build (empty output, empty cache), the same
# without the cache, build --check of the up-to-date tree with a warm cache
# and without one, a warm rebuild after editing one module, sloth generate
# of the same SLOs, cue export of the same modules, and the same bytes as
# the output written alone (bench/writefloor). Results go to
# bench/RESULTS.md (override with RESULTS=...), scratch to $BENCH_DIR
# (default a temporary directory, removed at the end). obsc's cold build
# and sloth run in $BENCH_REPS turns (default 3) of two runs each, cue
# export $BENCH_REPS times, and report the median; every timed command starts
# from the same state (see settle), and the trees of earlier runs are
# moved aside, not deleted, until the end.
set -euo pipefail

cd "$(dirname "$0")/.."
NS=("$@")
[ ${#NS[@]} -gt 0 ] || NS=(100 1000 10000)
RESULTS=${RESULTS:-bench/RESULTS.md}
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
GO=${GO:-go}
BENCH_REPS=${BENCH_REPS:-3}
SLOTH_VERSION=v0.16.0
CUE_VERSION=v0.17.1

if [ ! -x /usr/bin/time ]; then
	echo "installing Debian time (for /usr/bin/time -v)"
	SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
	$SUDO apt-get update -qq && $SUDO DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

# Every tree stays until the end (see aside): N = 10,000 alone keeps about
# 25 GB (the cold build of 2.2 GB twice a turn and once before the turns,
# the other builds, writefloor's copy), and a filesystem nearly full makes
# every write slower.
need_gb=2
for N in "${NS[@]}"; do need_gb=$((need_gb + N * (8 * ${BENCH_REPS:-3} + 6) / 10000 + 1)); done
where=${BENCH_DIR:-${TMPDIR:-/tmp}}
[ -e "$where" ] || where=$(dirname "$where")
avail_gb=$(df -Pk "$where" 2>/dev/null | awk 'NR==2 {print int($4/1048576)}')
if [ -n "$avail_gb" ] && [ "$avail_gb" -lt "$need_gb" ]; then
	echo "bench: only ${avail_gb} GB free where the trees go, about ${need_gb} GB needed" >&2
	exit 1
fi

KEEP=${BENCH_DIR:+1}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/obsc-bench.XXXXXX)}
mkdir -p "$WORK"
[ -n "$KEEP" ] || trap 'rm -rf "$WORK"' EXIT
GOBIN_DIR=$WORK/gobin
mkdir -p "$GOBIN_DIR"

echo "building obsc, bench/gen; installing sloth $SLOTH_VERSION and cue $CUE_VERSION into $GOBIN_DIR"
$GO build -o "$WORK/obsc" ./cmd/obsc
$GO build -o "$WORK/gen" ./bench/gen
$GO build -o "$WORK/writefloor" ./bench/writefloor
[ -x "$GOBIN_DIR/sloth" ] || (cd "$WORK" && GOBIN=$GOBIN_DIR GOFLAGS=-mod=mod $GO install github.com/slok/sloth/cmd/sloth@$SLOTH_VERSION)
[ -x "$GOBIN_DIR/cue" ] || (cd "$WORK" && GOBIN=$GOBIN_DIR GOFLAGS=-mod=mod $GO install cuelang.org/go/cmd/cue@$CUE_VERSION)
OBSC=$WORK/obsc
SLOTH=$GOBIN_DIR/sloth
CUE=$GOBIN_DIR/cue

# measure NAME CMD...: runs CMD under /usr/bin/time -v, records wall
# seconds and peak RSS (MiB) in $WALL and $RSS, and fails on a failed
# command unless ALLOW_FAIL=1.
measure() {
	local name=$1
	shift
	local log=$WORK/time.log
	local rc=0
	/usr/bin/time -v -o "$log" "$@" >"$WORK/$name.stdout" 2>"$WORK/$name.stderr" || rc=$?
	if [ $rc -ne 0 ] && [ "${ALLOW_FAIL:-0}" != 1 ]; then
		echo "bench: $name failed (exit $rc):" >&2
		tail -5 "$WORK/$name.stderr" >&2
		exit 1
	fi
	WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; printf "%.2f", s}' "$log")
	RSS=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
	CPU=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.1f+%.1f", u, s}' "$log")
	printf '  %-28s %8ss %6s MiB  user+sys %ss\n' "$name" "$WALL" "$RSS" "$CPU"
}

# aside PATH...: moves earlier runs' trees out of the way, into old/.
# Nothing is deleted until every N has been measured: this machine's ext4
# has no journal, and without one the kernel skips every inode freed in
# the last 1 to 5 minutes when it allocates a new one (recently_deleted()
# in find_inode_bit), so after deleting a tree of 100,000 files creating
# each file costs up to 10x more (perf shows ext4_create spending its time
# there) — a toll on whichever tool runs next, proportional to the number
# of files it creates.
aside() {
	mkdir -p old
	for x in "$@"; do
		[ ! -e "$x" ] || mv "$x" "old/$x.$RANDOM$RANDOM"
	done
}

# settle [PATH...]: run before every timed command. It writes back what
# earlier commands wrote (sync) and, where it may (root, or sudo without a
# password), drops the kernel's clean caches, then reads the inputs (and
# PATH...) back in, so that every command starts from the same state: its
# inputs warm, memory free. Without the drop, the trees of earlier runs
# fill the page cache (24 GiB fill up during N = 10,000), and a command
# run later pays for reclaiming it page by page (measured here: 16 s
# against 24 s for the same build); and this machine's ext4, which has no
# journal, skips every inode freed in the last minutes, one by one, when
# it allocates one (recently_deleted(), which only looks at inode tables
# still in the cache), so a command run right after a deletion creates
# each file at up to 10x the cost. DROPPED says whether caches could be
# dropped, for RESULTS.md.
DROP=()
if [ "$(id -u)" = 0 ]; then
	DROP=(sh -c 'echo 3 >/proc/sys/vm/drop_caches')
elif sudo -n true 2>/dev/null; then
	DROP=(sudo -n sh -c 'echo 3 >/proc/sys/vm/drop_caches')
fi
DROPPED=no
[ ${#DROP[@]} -eq 0 ] || ! "${DROP[@]}" 2>/dev/null || DROPPED=yes
settle() {
	sync
	if [ "$DROPPED" = yes ]; then
		"${DROP[@]}"
		cat "$OBSC" "$SLOTH" "$CUE" >/dev/null
		find modules sloth "$@" -type f -exec cat {} + >/dev/null 2>&1 || true
	fi
}

# median REPS SETUP NAME CMD...: REPS times, runs SETUP (untimed),
# settles, then measures CMD; $WALL is the median wall time, $RSS the
# largest RSS.
median() {
	local reps=$1 setup=$2 name=$3
	shift 3
	local walls=() rss=0
	for _ in $(seq "$reps"); do
		eval "$setup"
		settle
		measure "$name" "$@"
		walls+=("$WALL")
		[ "$RSS" -le "$rss" ] || rss=$RSS
	done
	WALL=$(printf "%.2f" "$(med "${walls[@]}")")
	RSS=$rss
}

# med X...: the median of the numbers X.
med() {
	printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'
}

# What the page cache costs on this machine, once: 3 GB written 100 MB at
# a time after settle (bench/writefloor -curve). On this VM the first
# gigabyte or so is cheap and every later 100 MB takes about twenty times
# as long (most likely the memory the kernel hands out is faulted in from
# the host; see bench/README.md): a tool that writes past that point pays
# per byte.
settle
CURVE_DIR=$WORK/curve-out
rm -rf "$CURVE_DIR"
"$WORK/writefloor" -curve 3000 -o "$CURVE_DIR" >"$WORK/curve.txt"
rm -rf "$CURVE_DIR"
CURVE=$(awk '
	{ mb[NR]=$1; t[NR]=$2; total += $2 }
	END {
		base = t[1]; for (i = 2; i <= 3 && i <= NR; i++) if (t[i] < base) base = t[i]
		knee = 0
		for (i = 1; i <= NR; i++) if (t[i] > 4 * base) { knee = i; break }
		if (knee == 0) { printf "writing %.1f GB after settle, 100 MB at a time, took %.2f s per GB throughout", mb[NR]/1000, total/(mb[NR]/1000); exit }
		for (i = 1; i < knee; i++) cheap += t[i]
		# past the knee: the median 100 MB (the first one is part cheap)
		n = 0; for (i = knee + 1; i <= NR; i++) d[++n] = t[i]
		if (n == 0) d[++n] = t[knee]
		for (i = 1; i <= n; i++) for (k = i + 1; k <= n; k++) if (d[k] < d[i]) { x = d[i]; d[i] = d[k]; d[k] = x }
		dear = d[int((n + 1) / 2)]
		cheap_rate = (knee > 1) ? cheap / (knee - 1) : base
		printf "the first %.1f GB written after settle took %.2f s per GB, every 100 MB after that about %.0f times as long (%.1f s per GB)", mb[knee-1]/1000, cheap_rate * 10, dear / cheap_rate, dear * 10
	}' "$WORK/curve.txt")
echo "page cache: $CURVE"

ROWS=()
FIT=() FIT_COLD=() FIT_SLOTH=()
declare -A COLD INCR PEAK VS_SLOTH MAX_RATIO
SLOTH_NOTES=() TURNS=() WRITEBACK=() FLOOR=()
for N in "${NS[@]}"; do
	D=$WORK/n$N
	# a kept $BENCH_DIR's tree of an earlier bench: set aside, not deleted
	[ ! -e "$D" ] || { mkdir -p "$WORK/trash" && mv "$D" "$WORK/trash/n$N.$RANDOM$RANDOM"; }
	echo "N=$N: generating into $D"
	"$WORK/gen" -n "$N" -o "$D"
	cd "$D"
	rm -rf out out-nocache cache
	mkdir -p sloth-out

	# A median at every N: this shared machine's speed varies by a
	# quarter from one minute to the next, at N = 10,000 as much as below.
	reps=$BENCH_REPS
	# sloth keeps every spec and every output file open until it is done:
	# past the file-descriptor limit the specs are generated in chunks,
	# one sloth run each, timed together.
	ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
	chunk=$(( $(ulimit -n) / 2 - 64 ))
	if [ "$N" -gt "$chunk" ]; then
		i=0
		for f in sloth/*; do
			c=$((i / chunk))
			mkdir -p "sloth-chunks/$c" "sloth-out/$c"
			ln "$f" "sloth-chunks/$c/"
			i=$((i + 1))
		done
		sloth_setup='aside sloth-out; for d in sloth-chunks/*; do mkdir -p "sloth-out/${d##*/}"; done'
		sloth_cmd=(bash -c 'for d in sloth-chunks/*; do "$0" generate --no-log -i "$d" -o "sloth-out/${d##*/}" || exit 1; done' "$SLOTH")
		SLOTH_NOTES+=("N = $N: sloth ran $(ls sloth-chunks | wc -l) times on at most $chunk specs each (it holds every file open; the limit here is $(ulimit -n)).")
	else
		sloth_setup='aside sloth-out; mkdir sloth-out'
		sloth_cmd=("$SLOTH" generate --no-log -i sloth -o sloth-out)
	fi
	# obsc's cold build and sloth take turns, and obsc ÷ sloth is the
	# median of each turn's ratio: the machine's speed drifts from one
	# minute to the next, and timing all of one tool, then all of the
	# other, compared one minute with another (a run measured 3.36 s for
	# the cold build of 1,000 against 1.88 s without the cache right
	# after, and so 1.24x sloth instead of 0.7x).
	# Each turn times both tools twice, mirrored: obsc, Sloth, Sloth,
	# obsc in odd turns and Sloth, obsc, obsc, Sloth in even ones, and
	# its ratio is obsc's two runs over Sloth's two (an ABBA design).
	# The machine speeds up and slows down over minutes, as it did (obsc
	# 19.6, 16.4, 14.6 s and Sloth 18.3, 17.5, 16.6 s at 10,000 in one
	# bench): with one run of each per turn, whichever tool went first
	# got the turn's slower or faster minute, and one turn in six at
	# 10,000 came out over 1 when the others were at 0.94. Mirrored, a
	# steady drift over the turn weighs the same on both tools. (It did
	# not narrow the turns: the noise is from run to run, see
	# bench/README.md.)
	colds=() sloths=() ratios=() cold_cpu=() sloth_cpu=()
	cold_rss=0 sloth_rss=0
	turn_obsc() {
		aside out cache
		settle
		measure "build cold" "$OBSC" build --cache "$D/cache" -o out modules/...
		colds+=("$WALL") cold_cpu+=("$CPU")
		[ "$RSS" -le "$cold_rss" ] || cold_rss=$RSS
	}
	turn_sloth() {
		eval "$sloth_setup"
		settle
		measure "sloth generate" "${sloth_cmd[@]}"
		sloths+=("$WALL") sloth_cpu+=("$CPU")
		[ "$RSS" -le "$sloth_rss" ] || sloth_rss=$RSS
	}
	# One turn first that counts for neither: in both benches of
	# 2026-11-26 the first turn at 10,000, right after the corpus was
	# generated, was the slowest for both tools (obsc 19.6 and 20.3 s
	# against 14.6-16.7 s in the turns after it, Sloth 18.3 and 18.8 s
	# against 16.0-17.5 s), and with obsc first in it, it weighed on obsc.
	turn_obsc
	turn_sloth
	colds=() sloths=() cold_cpu=() sloth_cpu=()
	cold_rss=0 sloth_rss=0
	for t in $(seq "$reps"); do
		if [ $((t % 2)) = 1 ]; then
			turn_obsc
			turn_sloth
			turn_sloth
			turn_obsc
		else
			turn_sloth
			turn_obsc
			turn_obsc
			turn_sloth
		fi
		ratios+=("$(awk -v a="${colds[-2]}" -v b="${colds[-1]}" -v c="${sloths[-2]}" -v d="${sloths[-1]}" 'BEGIN{printf "%.3f", (c+d>0)? (a+b)/(c+d) : 0}')")
	done
	cold=$(printf "%.2f" "$(med "${colds[@]}")") sloth=$(printf "%.2f" "$(med "${sloths[@]}")")
	vs_sloth=$(awk -v r="$(med "${ratios[@]}")" 'BEGIN{printf "%.2f", r}')
	MAX_RATIO[$N]=$(printf '%s\n' "${ratios[@]}" | sort -g | tail -1)
	TURNS+=("N = $N: obsc cold build ÷ sloth generate, turn by turn: $(printf '%s\n' "${ratios[@]}" | awk '{printf "%s%.2f", (NR>1)? ", " : "", $1}') (obsc ${colds[*]} s; sloth ${sloths[*]} s; CPU seconds, user+system: obsc ${cold_cpu[*]}; sloth ${sloth_cpu[*]}).")
	# what writing the output costs here by itself (bench/writefloor):
	# one module's files, N times, one file at a time, computing nothing
	template=
	for d in out/*/; do template=${d%/} && break; done
	aside floor-out
	settle
	measure "write the same bytes" "$WORK/writefloor" -from "$template" -n "$N" -o floor-out
	FLOOR+=("N = $N: writing the same bytes and nothing else takes $WALL s here (bench/writefloor: the $(find "$template" -type f | wc -l) files of one module's output, $N times, one file at a time, on one core), against $cold s for obsc's cold build and $sloth s for Sloth.")
	aside floor-out
	# what the kernel writes back in the background, once that much is
	# dirty, and while the build runs: see RESULTS.md
	bg_bytes=$(awk '/^nr_dirty_background_threshold/ {printf "%.0f", $2 * 4096}' /proc/vmstat 2>/dev/null || true)
	median "$reps" 'aside out-nocache' "build cold, no cache" "$OBSC" build --cache off -o out-nocache modules/...
	nocache=$WALL nocache_rss=$RSS
	settle out cache
	measure "check, warm cache" "$OBSC" build --check --cache "$D/cache" -o out modules/...
	check=$WALL check_rss=$RSS
	settle out
	measure "check, no cache" "$OBSC" build --check --cache off -o out modules/...
	checknc=$WALL checknc_rss=$RSS
	"$WORK/gen" -n "$N" -o "$D" -edit 0
	settle out cache
	measure "build after 1 edit" "$OBSC" build --cache "$D/cache" -o out modules/...
	incr=$WALL incr_rss=$RSS
	"$WORK/gen" -n "$N" -o "$D" -edit 0 -revert
	settle out cache
	measure "build, nothing changed" "$OBSC" build --cache "$D/cache" -o out modules/...
	noop=$WALL
	median "$reps" : "cue export" "$CUE" export ./modules/...
	cue=$WALL cue_rss=$RSS
	bytes=$(du -sb out | cut -f1)
	files=$(find out -type f | wc -l)
	cd - >/dev/null

	mps=$(awk -v n="$N" -v t="$cold" 'BEGIN{printf "%.0f", (t>0)? n/t : 0}')
	if [ -n "$bg_bytes" ] && [ "$bytes" -gt "$bg_bytes" ]; then
		WRITEBACK+=("N = $N: the output ($(awk -v b="$bytes" 'BEGIN{printf "%.1f GB", b/1e9}')) is more than the kernel lets sit dirty before it starts writing back in the background here ($(awk -v b="$bg_bytes" 'BEGIN{printf "%.1f GB", b/1e9}'), vm.dirty_background_ratio $(cat /proc/sys/vm/dirty_background_ratio)% of free memory): from then on the kernel's flusher threads write it to disk on the same cores as the build (see bench/README.md). Sloth's output (only SLO rules, about a tenth of the bytes) stays under it.")
	fi
	vs_cue=$(awk -v a="$cold" -v b="$cue" 'BEGIN{printf "%.2f", (b>0)? a/b : 0}')
	mib=$(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1048576}')
	ROWS+=("| $N | $cold | $nocache | $check | $checknc | $incr | $noop | $mps | $cold_rss / $nocache_rss / $checknc_rss | $mib MiB ($files files) | $sloth ($vs_sloth×) | $cue ($vs_cue×) |")
	FIT+=("$N $nocache") FIT_COLD+=("$N $cold") FIT_SLOTH+=("$N $sloth")
	COLD[$N]=$cold INCR[$N]=$incr VS_SLOTH[$N]=$vs_sloth
	PEAK[$N]=$(printf '%s\n' "$cold_rss" "$nocache_rss" "$check_rss" "$checknc_rss" "$incr_rss" | sort -n | tail -1)
	sync
done

# linfit LABEL "N SECONDS"...: the least-squares line through the points,
# as "LABEL ≈ a s + b ms × N (R² = r over N = ...)".
linfit() {
	local label=$1
	shift
	printf '%s\n' "$@" | awk -v label="$label" '
	{ x[NR]=$1; y[NR]=$2; sx+=$1; sy+=$2; sxx+=$1*$1; sxy+=$1*$2; ns = ns (NR>1 ? " " : "") $1 }
	END {
		n=NR
		if (n < 2) { print "one N only: no fit"; exit }
		d = n*sxx - sx*sx; b = (n*sxy - sx*sy)/d; a = (sy - b*sx)/n
		my = sy/n; for (i=1;i<=n;i++) { ss += (y[i]-my)^2; r = y[i]-(a+b*x[i]); sr += r*r }
		r2 = (ss > 0) ? 1 - sr/ss : 1
		printf "%s ≈ %.3f s + %.2f ms × N (R² = %.4f over N = %s)", label, a, b*1000, r2, ns
	}'
}
fit=$(linfit "cold build (no cache)" "${FIT[@]}")
fit_cold=$(linfit "obsc's cold build" "${FIT_COLD[@]}")
fit_sloth=$(linfit "sloth generate" "${FIT_SLOTH[@]}")

{
	echo "# obsc benchmark results"
	echo
	echo "Written by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d) — $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $($GO version | cut -d' ' -f3), load average before the run: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)."
	echo
	echo "Seconds of wall time (\`/usr/bin/time -v\`): the median of $((2 * BENCH_REPS)) runs for the cold builds and sloth, of $BENCH_REPS for cue, one run for the others; each timed command starts after a \`sync\`$( [ "$DROPPED" = yes ] && echo ", with the kernel's clean caches dropped and its inputs read back in (see settle in bench/run.sh)" || echo " (the kernel's caches could not be dropped: not root, no sudo; see settle in bench/run.sh)"). Every module: standard metrics (2–4 components, 2–3 ports each), a custom counter, gauge and histogram with bounded labels, 3 SLOs, 4 alerts, 3 probes, a dashboard (bench/corpus). \`cold\`: empty output and empty cache; \`no cache\`: \`--cache off\` (a CI runner without a cache); \`check\`: \`build --check\` of the up-to-date tree; \`1 edit\`: rebuild after changing one module's objective, warm cache; \`no-op\`: rebuild with nothing changed. Sloth: \`sloth generate\` of the same 3 SLOs per module (SLO rules only), run in $BENCH_REPS turns with obsc's cold build after one untimed turn of both, each turn timing both tools twice, mirrored (obsc, Sloth, Sloth, obsc in odd turns, Sloth, obsc, obsc, Sloth in even ones), ratio = the median of the turns' ratios, a turn's ratio being obsc's two runs ÷ Sloth's two; cue: plain \`cue export\` of the same modules (no schema, no checks, no targets), ratio = obsc ÷ cue."
	echo
	echo "| N | build cold | build, no cache | check, warm cache | check, no cache | build after 1 edit | no-op build | modules/s (cold) | peak RSS MiB (cold / no cache / check no cache) | output | sloth generate (obsc ÷ sloth) | cue export (obsc ÷ cue) |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
	echo
	echo "Linear fit: $fit."
	if [ ${#NS[@]} -ge 2 ]; then
		echo
		echo "Per module and start-up, against Sloth (the medians above): $fit_cold; $fit_sloth. At large N obsc ÷ sloth tends to the ratio of the per-module costs (see bench/README.md)."
	fi
	echo
	echo "Page cache on this machine (bench/writefloor -curve 3000, see bench/README.md): $CURVE; obsc writes about 225 KB per module, Sloth about 23 KB."
	for n in "${TURNS[@]}" "${SLOTH_NOTES[@]}" "${FLOOR[@]}" "${WRITEBACK[@]}"; do
		echo
		echo "$n"
	done
	echo
	echo "## Against the targets (issue 7), from the table above"
	echo
	echo "| target | measured | |"
	echo "|---|---|---|"
	verdict() { awk -v a="$1" -v b="$2" 'BEGIN{print (a < b) ? "met" : "**not met**"}'; }
	if [ -n "${COLD[1000]:-}" ]; then
		echo "| 1,000 modules, all targets, cold: < 5 s | ${COLD[1000]} s | $(verdict "${COLD[1000]}" 5) |"
		echo "| rebuild after one edit of 1,000: < 0.5 s | ${INCR[1000]} s | $(verdict "${INCR[1000]}" 0.5) |"
	fi
	if [ -n "${PEAK[10000]:-}" ]; then
		echo "| 10,000 modules: peak RSS < 1 GiB | ${PEAK[10000]} MiB (largest of every run at N = 10,000) | $(verdict "${PEAK[10000]}" 1024) |"
	fi
	echo "| time linear in N | $fit | |"
	# Faster than Sloth only when obsc won every turn: a median under 1
	# with a turn over it is level within this machine's noise.
	faster() { awk -v m="$1" -v x="$2" 'BEGIN{print (x < 1) ? "met (every turn)" : (m < 1) ? "**level** (a turn over 1)" : "**not met**"}'; }
	for n in "${NS[@]}"; do
		echo "| obsc build (all targets) faster than sloth generate (SLO rules only), N = $n | obsc ÷ sloth = ${VS_SLOTH[$n]} (turns up to $(awk -v x="${MAX_RATIO[$n]}" 'BEGIN{printf "%.2f", x}')) | $(faster "${VS_SLOTH[$n]}" "${MAX_RATIO[$n]}") |"
	done
	if [ -f bench/PROFILES.md ]; then
		echo
		cat bench/PROFILES.md
	fi
} >"$RESULTS"
echo "wrote $RESULTS"
# only now, with every timing taken, the trees go
for N in "${NS[@]}"; do
	rm -rf "$WORK/n$N/old"
	[ -n "$KEEP" ] || rm -rf "$WORK/n$N"
done
rm -rf "$WORK/trash"
