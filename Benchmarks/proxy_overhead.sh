#!/usr/bin/env bash
# Proxy overhead: the same wrk load (POST /v1/completions, non-streaming) straight to a fast upstream and
# through the router to that upstream. Reports p50/p99 latency and req/s for both, and the ratios.
# Goal (issue 2): <= 1 ms added at p99, >= 50% of the direct req/s.
#
# The upstream is nginx answering a static OpenAI completion JSON with `return 200` (a Python server would be
# the bottleneck). nginx and wrk come from Debian (installed here if missing).
#
# A second nginx, a plain reverse proxy (proxy_pass with upstream keep-alive, 2 workers) in front of the same
# upstream, is the peer for the router: it shows what any proxy costs on this box, where the load generator,
# the upstream and the proxy share the same 2 cores.
#
# Env: EDGE_TEST_BINARY (default: release build), DURATION (15s), CONNECTIONS (32), THREADS (2),
#      WARMUP (3s), KEEP_TMP=1 to keep logs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-3s}

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wrk || ! need curl; then
    echo "proxy_overhead: installing nginx-light wrk curl" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends nginx-light wrk curl </dev/null >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

BIN=${EDGE_TEST_BINARY:-}
if [[ -z "$BIN" ]]; then
    swift build -c release --static-swift-stdlib --product cortensor-edge >&2
    BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/cortensor-edge"
fi
[[ -x "$BIN" ]] || { echo "proxy_overhead: no router binary at $BIN" >&2; exit 1; }

source Benchmarks/nginx.sh

TMP=$(mktemp -d /tmp/ce-bench-proxy.XXXXXX)
NGINX_PID="" PROXY_PID="" ROUTER_PID=""
cleanup() {
    [[ -n "$ROUTER_PID" ]] && kill -TERM "$ROUTER_PID" 2>/dev/null && wait "$ROUTER_PID" 2>/dev/null || true
    [[ -n "$PROXY_PID" ]] && kill -QUIT "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null || true
    [[ -n "$NGINX_PID" ]] && kill -QUIT "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
    if [[ "${KEEP_TMP:-0}" == 1 ]]; then echo "logs kept in $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

UP_PORT=$(free_port)
COMPLETION='{"id":"cmpl-bench","object":"text_completion","created":1700000000,"model":"bench-model","choices":[{"text":"Hello from a fast upstream.","index":0,"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":6,"total_tokens":9}}'
start_nginx "$TMP/nginx" 1 4096 <<NGINX
    client_body_buffer_size 64k;
    server {
        listen 127.0.0.1:$UP_PORT;
        location = /v1/completions { default_type application/json; return 200 '$COMPLETION'; }
        location = /v1/models { default_type application/json; return 200 '{"object":"list","data":[{"id":"bench-model","object":"model"}]}'; }
        location / { return 404; }
    }
NGINX
NGINX_PID=$NGINX_STARTED

PROXY_PORT=$(free_port)
start_nginx "$TMP/proxy" 2 4096 < <(proxy_servers "$PROXY_PORT" "$UP_PORT")
PROXY_PID=$NGINX_STARTED

ROUTER_PORT=$(free_port)
mkdir -p "${STATE_DIR:-$TMP/state}"
write_router_toml "$TMP/router.toml" "$ROUTER_PORT" "${STATE_DIR:-$TMP/state}" "$UP_PORT"
# The router refuses unknown CORTENSOR_EDGE_* variables (e.g. EDGE_TEST_BINARY): start it without them.
unset_edge=()
for name in $(compgen -e); do [[ "$name" == CORTENSOR_EDGE_* ]] && unset_edge+=(-u "$name"); done
env "${unset_edge[@]}" "$BIN" serve --config "$TMP/router.toml" --port "$ROUTER_PORT" --dev >"$TMP/router.log" 2>&1 &
ROUTER_PID=$!

wait_200() {  # url [curl args...]
    local url=$1; shift
    for _ in $(seq 1 300); do
        [[ "$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url" || true)" == 200 ]] && return 0
        sleep 0.05
    done
    echo "proxy_overhead: $url never answered 200" >&2
    return 1
}
wait_200 "http://127.0.0.1:$UP_PORT/v1/models"
wait_200 "http://127.0.0.1:$PROXY_PORT/v1/models"
wait_200 "http://127.0.0.1:$ROUTER_PORT/readyz" || { tail -20 "$TMP/router.log" >&2; exit 1; }

write_post_lua "$TMP/post.lua"

# One request through the router must succeed before we measure it.
status=$(curl -s -o "$TMP/probe.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H 'Authorization: Bearer default-dev-token' --data '{"model":"bench-model","prompt":"hi","max_tokens":8}' \
    "http://127.0.0.1:$ROUTER_PORT/v1/completions")
if [[ "$status" != 200 ]]; then
    echo "proxy_overhead: router answered $status: $(head -c 300 "$TMP/probe.json")" >&2
    tail -20 "$TMP/router.log" >&2
    exit 1
fi

run_wrk() {  # name url
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$TMP/post.lua" "$2" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$TMP/post.lua" "$2" >"$TMP/$1.txt"
    if grep -q "Non-2xx" "$TMP/$1.txt"; then
        echo "proxy_overhead: WARNING $1 had non-2xx responses: $(grep Non-2xx "$TMP/$1.txt")" >&2
    fi
}
run_wrk direct "http://127.0.0.1:$UP_PORT/v1/completions"
run_wrk nginx_proxy "http://127.0.0.1:$PROXY_PORT/v1/completions"
run_wrk router "http://127.0.0.1:$ROUTER_PORT/v1/completions"

python3 - "$TMP/direct.txt" "$TMP/router.txt" "$TMP/nginx_proxy.txt" "$DURATION" "$CONNECTIONS" "$THREADS" <<'PY'
import re, sys

def ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    n, unit = float(m.group(1)), m.group(2)
    return n * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

def parse(path: str) -> dict:
    text = open(path).read()
    out = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}
    for pct in ("50", "99"):
        out[f"p{pct}"] = ms(re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", text, re.M).group(1))
    errors = re.search(r"Socket errors:.*", text)
    out["errors"] = errors.group(0) if errors else ""
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    return out

d, r, n = parse(sys.argv[1]), parse(sys.argv[2]), parse(sys.argv[3])
print(f"proxy overhead: POST /v1/completions, wrk -t{sys.argv[6]} -c{sys.argv[5]} -d{sys.argv[4]}")
print(f"{'':13}{'p50 ms':>10}{'p99 ms':>10}{'req/s':>12}")
for name, v in (("direct", d), ("nginx proxy", n), ("router", r)):
    print(f"{name:13}{v['p50']:>10.3f}{v['p99']:>10.3f}{v['rps']:>12.0f}")
print(f"added latency: p50 {r['p50'] - d['p50']:+.3f} ms, p99 {r['p99'] - d['p99']:+.3f} ms (goal: <= 1 ms at p99)")
print(f"throughput ratio router/direct: {r['rps'] / d['rps']:.2%} (goal: >= 50%)")
print(f"peer: nginx proxy/direct {n['rps'] / d['rps']:.2%}; router/nginx proxy {r['rps'] / n['rps']:.2%}")
for name, v in (("direct", d), ("nginx proxy", n), ("router", r)):
    if v["errors"] or v["non2xx"]:
        print(f"{name}: {v['errors']} non-2xx={v['non2xx']}")
PY
