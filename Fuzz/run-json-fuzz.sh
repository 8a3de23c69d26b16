#!/usr/bin/env bash
# Kept for existing callers: fuzzes the JSON parser and serializer for N seconds (default 60).
#
#   Fuzz/run-json-fuzz.sh [seconds]
#
# Same as `Fuzz/run-fuzz.sh json [seconds]` (see Fuzz/README.md): the corpus and any crash reproducer now live
# in $FUZZ_WORK/json/ (FUZZ_WORK falls back to JSON_FUZZ_WORK, then <package>/.build-fuzz).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/run-fuzz.sh" json "$@"
