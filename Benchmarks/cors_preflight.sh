#!/usr/bin/env bash
# CORS preflight throughput: wrk sends `OPTIONS /v1/chat/completions` with Origin, Access-Control-Request-Method and
# -Headers to the router (answered before admission, no key check) and, as the peer in the same run, to nginx
# answering the same preflight with a static 204 and the same headers. Also `GET /healthz` on the router as its own
# baseline. Reports req/s and p50/p99 for each.
#
# Env: EDGE_TEST_BINARY (default: release build), DURATION (10s), CONNECTIONS (32), THREADS (2), KEEP_TMP=1.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
ORIGIN=http://app.example

BIN=${EDGE_TEST_BINARY:-}
if [[ -z "$BIN" ]]; then
    swift build -c release --static-swift-stdlib --product cortensor-edge >&2
    BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/cortensor-edge"
fi
source Benchmarks/nginx.sh

TMP=$(mktemp -d /tmp/ce-bench-cors.XXXXXX)
NGINX_PID="" ROUTER_PID=""
cleanup() {
    [[ -n "$ROUTER_PID" ]] && kill -TERM "$ROUTER_PID" 2>/dev/null && wait "$ROUTER_PID" 2>/dev/null || true
    [[ -n "$NGINX_PID" ]] && kill -QUIT "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
    if [[ "${KEEP_TMP:-0}" == 1 ]]; then echo "logs kept in $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

PEER_PORT=$(free_port)
start_nginx "$TMP/nginx" 1 4096 <<NGINX
    server {
        listen 127.0.0.1:$PEER_PORT;
        location / {
            add_header Access-Control-Allow-Origin \$http_origin always;
            add_header Access-Control-Allow-Methods "POST, OPTIONS" always;
            add_header Access-Control-Allow-Headers \$http_access_control_request_headers always;
            add_header Access-Control-Max-Age 600 always;
            add_header Vary "Origin, Access-Control-Request-Method, Access-Control-Request-Headers" always;
            return 204;
        }
    }
NGINX
NGINX_PID=$NGINX_STARTED

ROUTER_PORT=$(free_port)
write_router_toml "$TMP/router.toml" "$ROUTER_PORT" "$TMP/state" "$PEER_PORT"
sed -i "s|^connection_limit = 4096|connection_limit = 4096\ncors_origins = [\"$ORIGIN\"]|" "$TMP/router.toml"
mkdir -p "$TMP/state"
unset_edge=()
for name in $(compgen -e); do [[ "$name" == CORTENSOR_EDGE_* ]] && unset_edge+=(-u "$name"); done
env "${unset_edge[@]}" "$BIN" serve --config "$TMP/router.toml" --port "$ROUTER_PORT" --dev >"$TMP/router.log" 2>&1 &
ROUTER_PID=$!

cat >"$TMP/preflight.lua" <<LUA
wrk.method = "OPTIONS"
wrk.headers["Origin"] = "$ORIGIN"
wrk.headers["Access-Control-Request-Method"] = "POST"
wrk.headers["Access-Control-Request-Headers"] = "authorization, content-type"
LUA
preflight() {  # url: the status of one preflight
    curl -s -o /dev/null -w '%{http_code}' -X OPTIONS -H "Origin: $ORIGIN" -H 'Access-Control-Request-Method: POST' "$1"
}
for _ in $(seq 1 300); do [[ "$(preflight "http://127.0.0.1:$ROUTER_PORT/v1/chat/completions" || true)" == 204 ]] && break; sleep 0.05; done
for url in "http://127.0.0.1:$ROUTER_PORT/v1/chat/completions" "http://127.0.0.1:$PEER_PORT/v1/chat/completions"; do
    [[ "$(preflight "$url")" == 204 ]] || { echo "cors_preflight: $url did not answer 204" >&2; tail -20 "$TMP/router.log" >&2; exit 1; }
done

run() {  # name url [wrk args]
    local name=$1 url=$2; shift 2
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$@" "$url" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" >"$TMP/$name.txt"
}
run router_preflight "http://127.0.0.1:$ROUTER_PORT/v1/chat/completions" -s "$TMP/preflight.lua"
run nginx_preflight "http://127.0.0.1:$PEER_PORT/v1/chat/completions" -s "$TMP/preflight.lua"
run router_healthz "http://127.0.0.1:$ROUTER_PORT/healthz"

python3 - "$TMP" "$DURATION" "$CONNECTIONS" "$THREADS" <<'PY'
import re, sys

def ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", value)
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

print(f"CORS preflight: wrk -t{sys.argv[4]} -c{sys.argv[3]} -d{sys.argv[2]}")
print(f"{'':18}{'p50 ms':>10}{'p99 ms':>10}{'req/s':>12}{'non-2xx':>9}")
for name in ("router_preflight", "nginx_preflight", "router_healthz"):
    text = open(f"{sys.argv[1]}/{name}.txt").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p = {pct: ms(re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", text, re.M).group(1)) for pct in ("50", "99")}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    print(f"{name:18}{p['50']:>10.3f}{p['99']:>10.3f}{rps:>12.0f}{int(bad.group(1)) if bad else 0:>9}")
PY
