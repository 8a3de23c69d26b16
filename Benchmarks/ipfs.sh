#!/usr/bin/env bash
# IPFS block store figures (issue 3), each against a peer measured in the same run:
#   1. import throughput: `cortensor-edge ipfs add` of a SIZE_MB file vs `sha256sum` of it (ratio; goal >= 0.7)
#   2. raw-block GET req/s through the gateway vs nginx serving the same bytes as a static file (goal >= 0.5),
#      and the CPU time per request of each (steadier than req/s on a shared machine)
#   3. completion-cache hits: req/s and p99 of a repeated deterministic POST /v1/chat/completions (goal >= 10,000)
#
# Env: EDGE_TEST_BINARY (default: release build), SIZE_MB (256), RUNS (3), DURATION (10s), CONNECTIONS (32),
#      THREADS (2), BLOCK_BYTES (4096), SECTIONS ("1 2 3": which figures to measure, e.g. SECTIONS=2).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-256}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
BLOCK_BYTES=${BLOCK_BYTES:-4096}
SECTIONS=${SECTIONS:-1 2 3}
wants() { [[ " $SECTIONS " == *" $1 "* ]]; }

BIN=${EDGE_TEST_BINARY:-}
if [[ -z "$BIN" ]]; then
    swift build -c release --static-swift-stdlib --product cortensor-edge >&2
    BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/cortensor-edge"
fi
command -v nginx >/dev/null && command -v wrk >/dev/null || {
    echo "ipfs bench: needs nginx and wrk (apt-get install nginx-light wrk)" >&2
    exit 1
}

TMP=$(mktemp -d /tmp/ce-bench-ipfs.XXXXXX)
chmod 0755 "$TMP"  # nginx workers run as nobody
NGINX_PID="" ROUTER_PID=""
cleanup() {
    [[ -n "$ROUTER_PID" ]] && kill "$ROUTER_PID" 2>/dev/null && wait "$ROUTER_PID" 2>/dev/null
    [[ -n "$NGINX_PID" ]] && kill -QUIT "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

edge() { env -u EDGE_TEST_BINARY CORTENSOR_EDGE_STATE_DIRECTORY="$1" "$BIN" "${@:2}"; }
source Benchmarks/nginx.sh
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { local start=$EPOCHREALTIME; "$@" >/dev/null; python3 -c "print($EPOCHREALTIME - $start)"; }

STATE="$TMP/serve-state"
ROUTER_PORT=$(free_port)

# ---- 1. import throughput ----
if wants 1; then
head -c $((SIZE_MB << 20)) /dev/urandom >"$TMP/file"
cat "$TMP/file" >/dev/null  # warm the page cache for both
sha=() add=()
for run in $(seq 1 "$RUNS"); do
    sha+=("$(seconds sha256sum "$TMP/file")")
    rm -rf "$TMP/state-$run"
    add+=("$(seconds edge "$TMP/state-$run" ipfs add --no-pin --quiet "$TMP/file")")
    rm -rf "$TMP/state-$run"
done
sha_s=$(printf '%s\n' "${sha[@]}" | median)
add_s=$(printf '%s\n' "${add[@]}" | median)
python3 - "$SIZE_MB" "$sha_s" "$add_s" <<'PY'
import sys
mb, sha, add = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"import {mb} MiB: sha256sum {mb / sha:7.1f} MiB/s, ipfs add {mb / add:7.1f} MiB/s, ratio {sha / add:.2f}  (goal >= 0.7)")
PY
fi

# ---- 2. raw block GET vs nginx static ----
if wants 2; then
head -c "$BLOCK_BYTES" /dev/urandom >"$TMP/block"
CID=$(edge "$STATE" ipfs add --quiet "$TMP/block")
mkdir -p "$TMP/www/ipfs" "$TMP/nginx/logs"
cp "$TMP/block" "$TMP/www/ipfs/$CID"
NGINX_PORT=$(free_port)
start_nginx "$TMP/nginx" 1 4096 <<NGINX
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $TMP/www;
        location /ipfs/ { default_type application/vnd.ipld.raw; add_header Cache-Control "public, max-age=29030400, immutable"; }
    }
NGINX
NGINX_PID=$NGINX_STARTED
# The access log off, as nginx's is here.
env -u EDGE_TEST_BINARY CORTENSOR_EDGE_STATE_DIRECTORY="$STATE" CORTENSOR_EDGE_LOG_LEVEL=warning "$BIN" serve \
    --port "$ROUTER_PORT" >"$TMP/router.log" 2>&1 &
ROUTER_PID=$!
for url in "http://127.0.0.1:$NGINX_PORT/ipfs/$CID" "http://127.0.0.1:$ROUTER_PORT/ipfs/$CID?format=raw"; do
    for _ in $(seq 1 200); do curl -sf -o /dev/null "$url" && break; sleep 0.05; done
    curl -sf "$url" | cmp -s - "$TMP/block" || { echo "ipfs bench: $url does not serve the block" >&2; exit 1; }
done
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks
# "req/s CPU-µs-per-request" of the server process $2 under load on $1. CPU time per request moves much less
# than req/s when other work shares the machine.
rps() {
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$1" >/dev/null
    local before after
    before=$(cpu_ticks "$2")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1" >"$TMP/wrk.txt"
    after=$(cpu_ticks "$2")
    awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" \
        '/Requests\/sec/ {rps = $2} / requests in / {n = $1} END {print rps, ticks * 1e6 / hz / n}' "$TMP/wrk.txt"
}
NGINX_WORKER=$(pgrep -P "$NGINX_PID" | head -1)
read -r nginx_rps nginx_cpu < <(rps "http://127.0.0.1:$NGINX_PORT/ipfs/$CID" "$NGINX_WORKER")
read -r router_rps router_cpu < <(rps "http://127.0.0.1:$ROUTER_PORT/ipfs/$CID?format=raw" "$ROUTER_PID")
router_p99=$(awk '$1 == "99%" {print $2}' "$TMP/wrk.txt")
python3 - "$BLOCK_BYTES" "$nginx_rps" "$router_rps" "$router_p99" "$nginx_cpu" "$router_cpu" <<'PY'
import sys
size, nginx, router, p99 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
nginx_cpu, router_cpu = float(sys.argv[5]), float(sys.argv[6])
print(f"raw {size}-byte block GET: nginx static {nginx:9.0f} req/s, gateway {router:9.0f} req/s (p99 {p99}), "
      f"ratio {router / nginx:.2f}  (goal >= 0.5); CPU per request: nginx {nginx_cpu:.1f} µs, "
      f"gateway {router_cpu:.1f} µs")
PY
fi

# ---- 3. completion-cache hits ----
wants 3 || exit 0
MINER_PORT=$(free_port)
start_nginx "$TMP/miner" 1 1024 <<NGINX
    server {
        listen 127.0.0.1:$MINER_PORT;
        location = /v1/chat/completions { default_type application/json; return 200 '{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"A cached answer."},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}'; }
        location = /v1/models { default_type application/json; return 200 '{"object":"list","data":[{"id":"m","object":"model"}]}'; }
    }
NGINX
MINER_PID=$NGINX_STARTED
[[ -n "$ROUTER_PID" ]] && { kill "$ROUTER_PID" && wait "$ROUTER_PID" 2>/dev/null || true; }
env -u EDGE_TEST_BINARY CORTENSOR_EDGE_STATE_DIRECTORY="$STATE" CORTENSOR_EDGE_AUTH_RATE_LIMIT_PER_MINUTE=0 \
    CORTENSOR_EDGE_LOG_LEVEL=warning "$BIN" serve --dev --port "$ROUTER_PORT" --miner "http://127.0.0.1:$MINER_PORT" \
    >"$TMP/router.log" 2>&1 &
ROUTER_PID=$!
BODY='{"model":"m","messages":[{"role":"user","content":"popular question"}],"temperature":0}'
for _ in $(seq 1 200); do curl -sf -o /dev/null "http://127.0.0.1:$ROUTER_PORT/readyz" && break; sleep 0.05; done
for _ in 1 2 3; do
    cache=$(curl -s -D - -o /dev/null -H 'Authorization: Bearer default-dev-token' -H 'Content-Type: application/json' \
        -d "$BODY" "http://127.0.0.1:$ROUTER_PORT/v1/chat/completions" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache" {print $2}')
done
[[ "$cache" == HIT ]] || { echo "ipfs bench: the third request was a cache $cache" >&2; kill "$MINER_PID"; exit 1; }
cat >"$TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer default-dev-token"
LUA
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$TMP/post.lua" "http://127.0.0.1:$ROUTER_PORT/v1/chat/completions" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$TMP/post.lua" \
    "http://127.0.0.1:$ROUTER_PORT/v1/chat/completions" >"$TMP/wrk.txt"
kill -QUIT "$MINER_PID" 2>/dev/null; wait "$MINER_PID" 2>/dev/null || true
grep -q "Non-2xx" "$TMP/wrk.txt" && echo "ipfs bench: WARNING non-2xx answers: $(grep Non-2xx "$TMP/wrk.txt")" >&2
echo "completion-cache hits: $(awk '/Requests\/sec/ {printf "%.0f", $2}' "$TMP/wrk.txt") req/s, p50 $(awk '$1 == "50%" {print $2}' "$TMP/wrk.txt"), p99 $(awk '$1 == "99%" {print $2}' "$TMP/wrk.txt")  (goal >= 10,000 req/s)"
