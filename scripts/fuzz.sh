#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for FUZZ_SECONDS seconds each and
# prints one summary line per target. Exits non-zero if any target crashed
# (panic, failed round-trip assertion, sanitizer report, timeout or OOM) or
# could not be built and started.
#
# Environment:
#   FUZZ_SECONDS    seconds per target (default 30)
#   FUZZ_TARGETS    space-separated targets to run (default: all)
#   FUZZ_TOOLCHAIN  rustup toolchain with -Zsanitizer support (default nightly)
#   FUZZ_TIMEOUT    seconds one input may take before it counts as a hang (default 30)
#   FUZZ_RSS_MB     memory limit per fuzzer process, in MB (default 2048)
#
# Corpora grow in fuzz/corpus/<target>, crash inputs land in
# fuzz/artifacts/<target>, build output in fuzz/target (all gitignored);
# each run's full libFuzzer log is fuzz/target/logs/<target>.log.
# Reproduce a crash with:
#   cargo +nightly fuzz run --target-dir fuzz/target <target> fuzz/artifacts/<target>/<file>

set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2

FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
FUZZ_TOOLCHAIN="${FUZZ_TOOLCHAIN:-nightly}"
FUZZ_TIMEOUT="${FUZZ_TIMEOUT:-30}"
FUZZ_RSS_MB="${FUZZ_RSS_MB:-2048}"
TARGET_DIR="$ROOT/fuzz/target"
LOG_DIR="$TARGET_DIR/logs"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz"
    cargo install cargo-fuzz --locked || { echo "fuzz.sh: cargo install cargo-fuzz failed" >&2; exit 2; }
fi
if ! rustup run "$FUZZ_TOOLCHAIN" rustc --version >/dev/null 2>&1; then
    echo "fuzz.sh: rustup toolchain '$FUZZ_TOOLCHAIN' is not installed (cargo-fuzz needs nightly)" >&2
    exit 2
fi

fuzz() { cargo "+$FUZZ_TOOLCHAIN" fuzz "$@"; }

if [[ -n "${FUZZ_TARGETS:-}" ]]; then
    read -r -a targets <<<"$FUZZ_TARGETS"
else
    mapfile -t targets < <(fuzz list)
fi
if [[ ${#targets[@]} -eq 0 ]]; then
    echo "fuzz.sh: no fuzz targets found" >&2
    exit 2
fi

mkdir -p "$LOG_DIR"
echo "fuzz.sh: building ${#targets[@]} target(s) with $(rustup run "$FUZZ_TOOLCHAIN" rustc --version)"
build_start=$SECONDS
for target in "${targets[@]}"; do
    if ! fuzz build --target-dir "$TARGET_DIR" "$target" >"$LOG_DIR/build-$target.log" 2>&1; then
        echo "fuzz.sh: building $target failed; see $LOG_DIR/build-$target.log" >&2
        tail -n 30 "$LOG_DIR/build-$target.log" >&2
        exit 2
    fi
done
echo "fuzz.sh: build took $((SECONDS - build_start)) s"

failed=0
for target in "${targets[@]}"; do
    log="$LOG_DIR/$target.log"
    start=$SECONDS
    fuzz run --target-dir "$TARGET_DIR" "$target" -- \
        -max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_TIMEOUT" -rss_limit_mb="$FUZZ_RSS_MB" \
        -print_final_stats=1 >"$log" 2>&1
    status=$?
    elapsed=$((SECONDS - start))
    execs="$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -n 1)"
    if [[ -z "$execs" ]]; then
        execs="$(grep -Eo '^(Done|#)[ ]*[0-9]+' "$log" | grep -Eo '[0-9]+' | tail -n 1)"
    fi
    cov="$(grep -Eo 'cov: [0-9]+' "$log" | grep -Eo '[0-9]+' | tail -n 1)"
    corpus="$(find "fuzz/corpus/$target" -type f 2>/dev/null | wc -l)"
    contained="$(grep -c '^hawiya-fuzz: panic at' "$log")"
    note=""
    if [[ "$contained" -gt 0 ]]; then
        note=", $contained contained panic location(s) logged"
    fi
    if ! grep -q '^INFO: Seed:' "$log"; then
        # libFuzzer never started: `cargo fuzz run` rebuilt and failed (for
        # example hawiya-core changed underneath and no longer compiles).
        failed=$((failed + 1))
        printf '%-18s ERROR  did not start (exit %d), see %s:\n' "$target" "$status" "$log"
        grep -Em3 '^error' "$log" | sed 's/^/    /'
    elif [[ $status -eq 0 ]]; then
        printf '%-18s ok     %10s execs in %3d s, cov %s, corpus %s%s\n' \
            "$target" "${execs:-?}" "$elapsed" "${cov:-?}" "$corpus" "$note"
    else
        failed=$((failed + 1))
        artifact="$(grep -Eo 'Test unit written to [^ ]+' "$log" | tail -n 1 | sed 's/Test unit written to //')"
        reason="$(grep -Em1 "panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer|SUMMARY:" "$log")"
        reason="${reason%:}"
        printf '%-18s CRASH  %10s execs in %3d s (exit %d): %s; input %s; log %s\n' \
            "$target" "${execs:-?}" "$elapsed" "$status" "${reason:-see log}" "${artifact:-?}" "$log"
    fi
done

if [[ $failed -gt 0 ]]; then
    echo "fuzz.sh: $failed of ${#targets[@]} target(s) crashed or did not run"
    exit 1
fi
echo "fuzz.sh: all ${#targets[@]} target(s) ran ${FUZZ_SECONDS} s each without a crash"
