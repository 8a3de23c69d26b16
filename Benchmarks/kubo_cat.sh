#!/usr/bin/env bash
# kubo RPC `cat` against the trustless gateway (issue 21): the same SIZE_MB file read whole through
# `POST /api/v0/cat?arg=<cid>` and `GET /ipfs/<cid>` on one running router, alternated RUNS times each; prints
# the median seconds and MiB/s of each and cat's throughput as a ratio of the gateway's (goal >= 0.9).
#
# Env: EDGE_TEST_BINARY (default: release build), SIZE_MB (64), RUNS (7).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-64}
RUNS=${RUNS:-7}

BIN=${EDGE_TEST_BINARY:-}
if [[ -z "$BIN" ]]; then
    swift build -c release --static-swift-stdlib --product cortensor-edge >&2
    BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/cortensor-edge"
fi

TMP=$(mktemp -d /tmp/ce-bench-kubo.XXXXXX)
ROUTER_PID=""
cleanup() {
    [[ -n "$ROUTER_PID" ]] && kill "$ROUTER_PID" 2>/dev/null && wait "$ROUTER_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
source Benchmarks/nginx.sh  # free_port
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
edge() { env -u EDGE_TEST_BINARY CORTENSOR_EDGE_STATE_DIRECTORY="$TMP/state" "$BIN" "$@"; }

head -c $((SIZE_MB << 20)) /dev/urandom >"$TMP/file"
CID=$(edge ipfs add --quiet "$TMP/file" | tail -1)
PORT=$(free_port)
edge serve --port "$PORT" --dev >"$TMP/log" 2>&1 &
ROUTER_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
KEY="default-dev-token"
BASE="http://127.0.0.1:$PORT"

# Each read is checked whole once, then timed (curl's time_total, body to /dev/null).
want=$(sha256sum <"$TMP/file" | cut -d' ' -f1)
got_cat=$(curl -sf -X POST -H "Authorization: Bearer $KEY" "$BASE/api/v0/cat?arg=$CID" | sha256sum | cut -d' ' -f1)
got_gw=$(curl -sf "$BASE/ipfs/$CID" | sha256sum | cut -d' ' -f1)
[[ "$got_cat" == "$want" && "$got_gw" == "$want" ]] || { echo "kubo_cat: bytes differ" >&2; exit 1; }

cat_s=() gw_s=()
for _ in $(seq 1 "$RUNS"); do
    cat_s+=("$(curl -sf -o /dev/null -w '%{time_total}' -X POST -H "Authorization: Bearer $KEY" \
        "$BASE/api/v0/cat?arg=$CID")")
    gw_s+=("$(curl -sf -o /dev/null -w '%{time_total}' "$BASE/ipfs/$CID")")
done
cat_m=$(printf '%s\n' "${cat_s[@]}" | median)
gw_m=$(printf '%s\n' "${gw_s[@]}" | median)
python3 - "$SIZE_MB" "$cat_m" "$gw_m" <<'PY'
import sys
size, cat, gateway = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"/api/v0/cat   {cat:.3f} s  {size / cat:8.1f} MiB/s")
print(f"/ipfs/{{cid}}  {gateway:.3f} s  {size / gateway:8.1f} MiB/s")
print(f"cat / gateway throughput: {gateway / cat:.2f}x (goal >= 0.9)")
PY
