#!/usr/bin/env bash
# Instructions per proxied request: the router under valgrind's callgrind answers N sequential keep-alive
# POST /v1/completions (one connection, nginx as the miner) twice, with FEW and MANY requests; the difference of
# the two totals divided by MANY - FEW is the cost of one request (start-up and shutdown cancel out).
# Repeats to within ~1 %, where wall-clock figures on this shared VM do not. Counts user-space instructions of all
# the router's threads (not the kernel's work, nor waiting).
#
# With CONNECTIONS > 1, wrk keeps that many connections busy for SHORT and then LONG seconds instead, and the
# difference is divided by the difference of the requests wrk completed: the cost of a request with many in flight
# (group commit batches form). Valgrind runs the router at 50-150 req/s, so batches are smaller than at full speed;
# runs differ by ~2 %.
#
# PEER=nginx measures nginx as a plain reverse proxy in the router's place (the peer of proxy_overhead.sh).
#
# Env: EDGE_TEST_BINARY (default: release build), FEW (200), MANY (1200), CONNECTIONS (1), SHORT (8), LONG (24),
# KEEP_TMP=1 to keep the callgrind files (`callgrind_annotate --inclusive=yes FILE` shows where the instructions go).
set -euo pipefail
cd "$(dirname "$0")/.."
FEW=${FEW:-200}
MANY=${MANY:-1200}
CONNECTIONS=${CONNECTIONS:-1}
SHORT=${SHORT:-8}
LONG=${LONG:-24}
command -v valgrind >/dev/null && command -v nginx >/dev/null || {
    echo "proxy_instructions: needs valgrind and nginx (apt-get install valgrind nginx-light)" >&2
    exit 1
}
if ((CONNECTIONS > 1)) && ! command -v wrk >/dev/null; then
    echo "proxy_instructions: CONNECTIONS > 1 needs wrk (apt-get install wrk)" >&2
    exit 1
fi
BIN=${EDGE_TEST_BINARY:-}
if [[ -z "$BIN" && "${PEER:-router}" != nginx ]]; then
    swift build -c release --static-swift-stdlib --product cortensor-edge >&2
    BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/cortensor-edge"
fi
source Benchmarks/nginx.sh
TMP=$(mktemp -d /tmp/ce-bench-instr.XXXXXX)
trap '[[ "${KEEP_TMP:-0}" == 1 ]] && echo "files kept in $TMP" >&2 || rm -rf "$TMP"' EXIT

UP_PORT=$(free_port)
COMPLETION='{"id":"cmpl-bench","object":"text_completion","created":1700000000,"model":"bench-model","choices":[{"text":"Hello from a fast upstream.","index":0,"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":6,"total_tokens":9}}'
start_nginx "$TMP/nginx" 1 1024 <<NGINX
    server {
        listen 127.0.0.1:$UP_PORT;
        location = /v1/completions { default_type application/json; return 200 '$COMPLETION'; }
        location / { return 404; }
    }
NGINX
NGINX_PID=$NGINX_STARTED
trap 'kill -QUIT $NGINX_PID 2>/dev/null; [[ "${KEEP_TMP:-0}" == 1 ]] && echo "files kept in $TMP" >&2 || rm -rf "$TMP"' EXIT

unset_edge=()
for name in $(compgen -e); do [[ "$name" == CORTENSOR_EDGE_* ]] && unset_edge+=(-u "$name"); done

write_post_lua "$TMP/post.lua"

sequential() {  # port requests: one keep-alive connection, one request after the other
    python3 - "$1" "$2" <<'PY'
import http.client, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
connection = http.client.HTTPConnection("127.0.0.1", port)
body = '{"model":"bench-model","prompt":"Say hello","max_tokens":8,"stream":false}'
headers = {"Content-Type": "application/json", "Authorization": "Bearer default-dev-token"}
for _ in range(n):
    connection.request("POST", "/v1/completions", body, headers)
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status
print(n)
PY
}

loaded() {  # port seconds: wrk with CONNECTIONS connections; prints the requests it completed (all must be 200)
    wrk -t2 -c"$CONNECTIONS" -d"$2s" --timeout 30s -s "$TMP/post.lua" "http://127.0.0.1:$1/v1/completions" \
        >"$TMP/wrk-$2.txt"
    ! grep -q "Non-2xx" "$TMP/wrk-$2.txt" || { cat "$TMP/wrk-$2.txt" >&2; exit 1; }
    awk '/requests in/{print $1}' "$TMP/wrk-$2.txt"
}

# PEER=nginx: nginx as a plain reverse proxy (one worker in the foreground, upstream keep-alive) takes the router's
# place, the same config as proxy_overhead.sh's peer: what a proxy hop costs at the least.
start_proxy() {  # dir port: starts the proxy under callgrind; sets PROXY_PID
    local dir=$1 port=$2
    local callgrind=(valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out")
    if [[ "${PEER:-router}" == nginx ]]; then
        NGINX_LAUNCHER=("${callgrind[@]}")
        start_nginx "$dir" single 1024 < <(proxy_servers "$port" "$UP_PORT")
        NGINX_LAUNCHER=()
        PROXY_PID=$NGINX_STARTED
    else
        write_router_toml "$dir/router.toml" "$port" "$dir/state" "$UP_PORT"
        env "${unset_edge[@]}" "${callgrind[@]}" \
            "$BIN" serve --config "$dir/router.toml" --port "$port" --dev >"$dir/router.log" 2>&1 &
        PROXY_PID=$!
    fi
}

count() {  # amount (requests, or seconds with CONNECTIONS > 1) -> requests answered; callgrind file in run-AMOUNT
    local amount=$1 dir="$TMP/run-$1" port pid
    port=$(free_port)
    mkdir -p "$dir/state"
    start_proxy "$dir" "$port"
    pid=$PROXY_PID
    for _ in $(seq 1 600); do curl -s -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.1; done
    if ((CONNECTIONS > 1)); then loaded "$port" "$amount"; else sequential "$port" "$amount"; fi
    if [[ "${PEER:-router}" == nginx ]]; then kill -QUIT "$pid"; else kill -TERM "$pid"; fi
    wait "$pid" || true
}
total() { grep -hE "^(summary|totals):" "$1" | head -1 | awk '{print $2}'; }
# Work that runs by the clock, not per request: the state pruner's pass (every second) and the miners' health
# probes. Under callgrind the run lasts ~50 times longer than at full speed, so these weigh ~50 times more per
# request than they do for real; `periodic FILE` is their inclusive cost in FILE, reported beside the total.
periodic() {
    callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null | awk '
        /StatePrunerC7runPass|MinerPoolC9probeOnce/ {
            name = ($0 ~ /StatePruner/) ? "pruner" : "probe"; gsub(",", "", $1); if ($1 + 0 > best[name]) best[name] = $1 + 0
        }
        END { print best["pruner"] + best["probe"] }'
}

if ((CONNECTIONS > 1)); then
    few_requests=$(count "$SHORT")
    many_requests=$(count "$LONG")
    few=$(total "$TMP/run-$SHORT/cg.out")
    many=$(total "$TMP/run-$LONG/cg.out")
    echo "instructions per proxied request (${PEER:-router}): $(( (many - few) / (many_requests - few_requests) )) (callgrind," \
        "$CONNECTIONS connections, $few and $many instructions for $few_requests and $many_requests requests)"
else
    count "$FEW" >/dev/null
    count "$MANY" >/dev/null
    few=$(total "$TMP/run-$FEW/cg.out")
    many=$(total "$TMP/run-$MANY/cg.out")
    echo "instructions per proxied request (${PEER:-router}): $(( (many - few) / (MANY - FEW) )) (callgrind, 1 connection, $few and" \
        "$many instructions for $FEW and $MANY requests)"
    if [[ "${PEER:-router}" != nginx ]]; then
        clocked=$(( $(periodic "$TMP/run-$MANY/cg.out") - $(periodic "$TMP/run-$FEW/cg.out") ))
        echo "  of which by the clock (state pruner passes, health probes): $(( clocked / (MANY - FEW) ));" \
            "without them: $(( (many - few - clocked) / (MANY - FEW) ))"
    fi
fi
