#!/usr/bin/env bash
# Runs one libFuzzer target: native/fuzz/run.sh TARGET SECONDS [libFuzzer flags...]
#   TARGET: fuzz_store_ops, fuzz_store_corrupt or fuzz_device. Builds target/cmake-fuzz (clang, KAIROS_FUZZ=ON) if needed.
#   New inputs go to target/fuzz-corpus/TARGET (the committed seeds in native/fuzz/corpus/TARGET are read, never
#   written); a crash is saved in target/fuzz-artifacts/TARGET/ and fails the run. Segments are named
#   kairos-fz<this shell's pid>-<pid>-<n> and every one left in /dev/shm (by a crash) is removed at the end.
# A long run, e.g. an hour on 2 cores: native/fuzz/run.sh fuzz_store_corrupt 3600 -fork=2
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -lt 2 ]; then
  echo "usage: $0 TARGET SECONDS [libFuzzer flags...]" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2
case "$target" in
  fuzz_store_ops | fuzz_store_corrupt | fuzz_device) ;;
  *) echo "unknown target '$target': fuzz_store_ops, fuzz_store_corrupt or fuzz_device" >&2; exit 2 ;;
esac

build=target/cmake-fuzz
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
    -DKAIROS_FUZZ=ON -DKAIROS_BUILD_TESTS=OFF -DKAIROS_CUDA=OFF >/dev/null
fi
cmake --build "$build" --parallel 2 --target "$target" >/dev/null

corpus=target/fuzz-corpus/$target
artifacts=target/fuzz-artifacts/$target
mkdir -p "$corpus" "$artifacts"
prefix="fz$$"
cleanup() { rm -f /dev/shm/kairos-"$prefix"-*; }
trap cleanup EXIT

# allocator_may_return_null: a huge host allocation fails as it would without ASan (the ABI must report it).
export KAIROS_FUZZ_PREFIX=$prefix
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
"$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$@" "$corpus" "native/fuzz/corpus/$target"
