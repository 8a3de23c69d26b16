#!/usr/bin/env bash
# Footprint: stripped release binary size (--static-swift-stdlib), idle RSS, and time from exec to the first
# `/readyz` 200 (median of RUNS runs). Goals (issue 2): <= 9 MB, <= 16 MB, <= 100 ms.
#
# REMOTE_MINER=1 configures one remote miner (nginx answering `GET /v1/models`), so the health probe loads libcurl
# and starts its event thread before the idle sample: the footprint of a router that proxies.
#
# Env: EDGE_TEST_BINARY (skip the build and measure this binary), RUNS (10), REMOTE_MINER (0).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}

BIN=${EDGE_TEST_BINARY:-}
if [[ -z "$BIN" ]]; then
    swift build -c release --static-swift-stdlib --product cortensor-edge >&2
    BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/cortensor-edge"
fi
[[ -x "$BIN" ]] || { echo "footprint: no router binary at $BIN" >&2; exit 1; }

TMP=$(mktemp -d /tmp/ce-bench-footprint.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
CONFIG=""
if [[ "${REMOTE_MINER:-0}" == 1 ]]; then
    command -v nginx >/dev/null || { echo "footprint: REMOTE_MINER=1 needs nginx (apt-get install nginx-light)" >&2; exit 1; }
    source Benchmarks/nginx.sh
    UP_PORT=$(free_port)
    models='{"object":"list","data":[{"id":"bench-model","object":"model"}]}'
    start_nginx "$TMP/nginx" 1 64 < <(printf 'server { listen 127.0.0.1:%s; location = /v1/models { %s } }\n' \
        "$UP_PORT" "default_type application/json; return 200 '$models';")
    NGINX_PID=$NGINX_STARTED
    trap 'kill -QUIT $NGINX_PID 2>/dev/null; rm -rf "$TMP"' EXIT
    CONFIG="$TMP/router.toml"
    printf '[[miners]]\nid = "nginx"\nurl = "http://127.0.0.1:%s"\n' "$UP_PORT" >"$CONFIG"
fi
cp "$BIN" "$TMP/cortensor-edge"
strip "$TMP/cortensor-edge"
unstripped=$(stat -c %s "$BIN")
stripped=$(stat -c %s "$TMP/cortensor-edge")

python3 - "$TMP/cortensor-edge" "$RUNS" "$TMP" "$unstripped" "$stripped" "$CONFIG" <<'PY'
import os, signal, socket, statistics, subprocess, sys, time

binary, runs, tmp, unstripped, stripped = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
config = ["--config", sys.argv[6]] if sys.argv[6] else []

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def readyz(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200") or False
    except OSError:
        return False

def status_field(pid: int, name: str) -> str:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(name + ":"):
                return line.split(":", 1)[1].strip()
    return "?"

env = {k: v for k, v in os.environ.items() if not k.startswith("CORTENSOR_EDGE_")}
startup_ms, rss_kb, threads = [], [], []
for i in range(runs):
    port = free_port()
    state = os.path.join(tmp, f"state-{i}")
    os.makedirs(state)
    env["CORTENSOR_EDGE_STATE_DIRECTORY"] = state
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", *config, "--dev", "--port", str(port)], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not readyz(port):
        if proc.poll() is not None:
            sys.exit(f"footprint: router exited with {proc.returncode} before /readyz")
        if time.perf_counter() - t0 > 30:
            proc.kill()
            sys.exit("footprint: router not ready after 30 s")
        time.sleep(0.001)
    startup_ms.append((time.perf_counter() - t0) * 1000)
    time.sleep(1.0)  # idle: no requests after readiness
    rss_kb.append(int(status_field(proc.pid, "VmRSS").split()[0]))
    threads.append(int(status_field(proc.pid, "Threads")))
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=30)
    if code != 0:
        print(f"footprint: WARNING run {i} exited {code} after SIGTERM", file=sys.stderr)

mb = 1024 * 1024
print("footprint" + (" (one remote miner: libcurl loaded)" if config else ""))
print(f"  binary, stripped:   {stripped / mb:6.2f} MB ({stripped} bytes; unstripped {unstripped / mb:.2f} MB)  goal <= 9 MB")
print(f"  idle RSS (median):  {statistics.median(rss_kb) / 1024:6.2f} MB (min {min(rss_kb) / 1024:.2f}, max {max(rss_kb) / 1024:.2f})  goal <= 16 MB")
print(f"  idle threads:       {statistics.median(threads):6.0f}")
print(f"  start -> /readyz:   {statistics.median(startup_ms):6.1f} ms median of {runs} (min {min(startup_ms):.1f}, max {max(startup_ms):.1f})  goal <= 100 ms")
PY
