# Sourced by the benchmark scripts: a free loopback port, and nginx instances built around a server block.

# A TCP port that was free on 127.0.0.1 a moment ago.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

NGINX_LAUNCHER=()

# start_nginx DIR WORKERS CONNECTIONS: nginx (${NGINX:-nginx}) kept in the foreground of a background job, rooted in
# DIR, with no access log and unlimited keep-alive requests; the rest of its `http` block (upstreams, servers) is
# read from stdin. Sets NGINX_STARTED to the job's pid. WORKERS `single` runs one process, no master (what a
# profiler can follow); the array NGINX_LAUNCHER, if set, is put before the command (e.g. valgrind and its flags).
start_nginx() {
    local dir=$1 workers=$2 connections=$3
    mkdir -p "$dir/logs"
    {
        if [[ "$workers" == single ]]; then
            printf 'daemon off;\nmaster_process off;\nworker_processes 1;\npid %s/nginx.pid;\n' "$dir"
        else
            printf 'daemon off;\nworker_processes %s;\npid %s/nginx.pid;\n' "$workers" "$dir"
        fi
        printf 'error_log %s/logs/error.log warn;\nevents { worker_connections %s; }\n' "$dir" "$connections"
        printf 'http {\n    access_log off;\n    keepalive_requests 1000000;\n'
        cat
        printf '}\n'
    } >"$dir/nginx.conf"
    "${NGINX_LAUNCHER[@]}" "${NGINX:-nginx}" -p "$dir" -c "$dir/nginx.conf" >/dev/null 2>&1 &
    NGINX_STARTED=$!
}

# proxy_servers PORT UPSTREAM_PORT: the `http` block lines of nginx as a plain reverse proxy on PORT in front of
# UPSTREAM_PORT (upstream keep-alive), the benchmarks' peer for the router; for start_nginx's stdin.
proxy_servers() {
    cat <<NGINX
    upstream miner { server 127.0.0.1:$2; keepalive 64; keepalive_requests 1000000; }
    server {
        listen 127.0.0.1:$1;
        location / { proxy_pass http://miner; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
NGINX
}

# write_router_toml FILE PORT STATE_DIR UPSTREAM_PORT: a router config with one miner `nginx` at UPSTREAM_PORT serving
# `bench-model`, dev mode without rate limits, warnings-only logs and a health probe a minute.
write_router_toml() {
    local file=$1 port=$2 state=$3 upstream=$4
    cat >"$file" <<TOML
[server]
host = "127.0.0.1"
port = $port
connection_limit = 4096

[state]
directory = "$state"

[auth]
dev_mode = true
rate_limit_per_minute = 0
rate_limit_burst = 1000000

[log]
level = "warning"

[pool]
probe_interval_seconds = 60

[[miners]]
id = "nginx"
url = "http://127.0.0.1:$upstream"
models = ["bench-model"]
TOML
}

# write_post_lua FILE: a wrk script sending the benchmarks' non-streamed POST /v1/completions with the dev token.
write_post_lua() {
    cat >"$1" <<'LUA'
wrk.method = "POST"
wrk.body = '{"model":"bench-model","prompt":"Say hello","max_tokens":8,"stream":false}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer default-dev-token"
LUA
}
