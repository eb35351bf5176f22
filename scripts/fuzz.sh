#!/usr/bin/env bash
# Fuzz every parser and decoder of the components (fuzz/: libFuzzer targets over the
# component crates built natively, with SanitizerCoverage on stable Rust; no cargo-fuzz
# or nightly needed; the checks are components/fuzz-checks). Each target runs SECONDS
# (default 60) from the committed corpus (fuzz/corpus/<target>), its seeds (small files of
# every format, made by fuzz/seed.py with witk's own writers and taken from pydicom's test
# files, into build/fuzz/seeds/) and its working corpus (build/fuzz/corpus/<target>, kept
# between runs, not committed: thousands of files); a crash, an invariant broken, a
# timeout (-timeout=10 s) or an out-of-memory (-rss_limit_mb=2048) is written to
# build/fuzz/artifacts/<target>/ and fails the run. Each finding fixed has a unit test in
# its component. Prints the executions of each target.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]       # run
#   bash scripts/fuzz.sh --merge [TARGET...]         # minimize all of it into fuzz/corpus
#
# After a merge, `WITK_BLESS=1 cargo test -p witk-fuzz-checks` (in components/, with
# --release --target <host>) records each input's outcome, which the tests check the
# native build and the components in wasmtime against.
set -euo pipefail
cd "$(dirname "$0")/.."
all=(image_io compress_stringify dicom mesh_io transform_io)
merge=false
secs=60
if [ "${1:-}" = "--merge" ]; then
  merge=true
  shift
elif [ $# -gt 0 ]; then
  secs=$1
  shift
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

# What cargo-fuzz passes to rustc for libFuzzer's coverage feedback: all stable -C flags.
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"
export CARGO_TARGET_DIR=build/fuzz/target
# An explicit --target keeps the flags off build scripts and proc macros (run on the host).
host=$(rustc -vV | sed -n 's/^host: //p')
cargo build -q --release --locked --manifest-path fuzz/Cargo.toml --target "$host"
bin=$CARGO_TARGET_DIR/$host/release
[ -d build/fuzz/seeds ] || .venv/bin/python fuzz/seed.py

status=0
for t in "${targets[@]}"; do
  work=build/fuzz/corpus/$t
  artifacts=build/fuzz/artifacts/$t
  mkdir -p "$work" "$artifacts"
  # Seeds from fuzz/seed.py, when made (small files of every format from witk's writers).
  seeds=()
  [ -d "build/fuzz/seeds/$t" ] && seeds=("build/fuzz/seeds/$t")
  committed=fuzz/corpus/$t
  mkdir -p "$committed"
  if $merge; then
    # The fewest inputs that reach all the coverage of everything fuzzed (a set cover),
    # each cut to 8 KiB so the committed corpus stays small, named by their SHA-1.
    merged=build/fuzz/merged/$t
    rm -rf "$merged" && mkdir -p "$merged"
    "$bin/$t" -set_cover_merge=1 -max_len=8192 "$merged" "$committed" "$work" "${seeds[@]}" 2>"build/fuzz/$t.merge.log"
    rm -rf "$committed" && mv "$merged" "$committed"
    echo "$t: $(ls "$committed" | wc -l) inputs, $(du -sb "$committed" | cut -f1) bytes"
    continue
  fi
  log=build/fuzz/$t.log
  if "$bin/$t" "$work" "$committed" "${seeds[@]}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "$t: $runs executions in ${secs} s, no findings"
  else
    status=1
    echo "$t: FINDING (see $log and $artifacts/):" >&2
    grep -E -m5 "panicked|ERROR|SUMMARY|Test unit written" "$log" >&2 || tail -20 "$log" >&2
  fi
done
exit $status
