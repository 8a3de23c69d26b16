#!/usr/bin/env bash
# Fuzzes the JSON parser and serializer with libFuzzer + AddressSanitizer for N seconds (default 60).
#
#   Fuzz/run-json-fuzz.sh [seconds]
#
# Compiles Sources/JSON/*.swift and Fuzz/JSONFuzz/main.swift into one module (so the harness needs no import),
# seeds a scratch corpus from JSONTestSuite, and exits non-zero if libFuzzer finds a crash (the reproducer lands
# in $JSON_FUZZ_WORK/artifacts/). Work files go to $JSON_FUZZ_WORK (default <package>/.build-fuzz, git-ignored).
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${JSON_FUZZ_WORK:-$root/.build-fuzz}"
testdata="${CORTENSOR_TESTDATA:-$root/../shared/testdata}"
seeds="$testdata/JSONTestSuite/test_parsing"

if [[ ! -d "$seeds" ]]; then
    echo "run-json-fuzz: no seed corpus at $seeds (set CORTENSOR_TESTDATA)" >&2
    exit 1
fi
mkdir -p "$work/corpus" "$work/artifacts"
cp -n "$seeds"/*.json "$work/corpus/"

swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    -module-name JSONFuzz -swift-version 6 \
    -enable-upcoming-feature ExistentialAny \
    -enable-upcoming-feature MemberImportVisibility \
    -enable-upcoming-feature InternalImportsByDefault \
    -strict-memory-safety -Werror StrictMemorySafety \
    "$root"/Sources/JSON/*.swift "$root/Fuzz/JSONFuzz/main.swift" \
    -o "$work/json-fuzz"

exec "$work/json-fuzz" \
    -max_total_time="$seconds" \
    -max_len=16384 \
    -dict="$root/Fuzz/json.dict" \
    -artifact_prefix="$work/artifacts/" \
    "$work/corpus"
