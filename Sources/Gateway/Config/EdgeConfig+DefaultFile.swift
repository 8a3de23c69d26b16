/// The documented configuration file shipped by packages (`/etc/cortensor-edge/config.toml`).
extension EdgeConfig {
    /// A commented configuration file: every setting is present, commented out, with its default value.
    /// Lines starting with `#` directly followed by a key or `[` are the defaults; uncommenting them changes nothing.
    public static let commentedDefaultTOML = """
        # cortensor-edge configuration.
        #
        # Every setting below is commented out and shows its built-in default. Environment variables
        # CORTENSOR_EDGE_<SECTION>_<KEY> (e.g. CORTENSOR_EDGE_SERVER_PORT) override this file, and
        # command-line flags (e.g. `serve --port`) override both. Check the result with:
        #   cortensor-edge config check --config /etc/cortensor-edge/config.toml

        # Public HTTP listener (OpenAI /v1 API, Cortensor /api/v1 API, /ipfs gateway).
        #[server]
        # Address to bind; use 0.0.0.0 to accept connections from other machines.
        #host = "127.0.0.1"
        # TCP port (0 picks a free port).
        #port = 5010
        # Request worker threads; 0 uses the HTTP daemon's polling thread only.
        #worker_threads = 0
        # Most simultaneous connections.
        #connection_limit = 1024
        # Most simultaneous connections from one IP address (0 = unlimited). Behind a reverse proxy on the same
        # box every client shares its address: raise this to connection_limit there.
        #per_ip_connection_limit = 256
        # Seconds a new connection gets to send its first request head, and a request its whole body; slower
        # clients are disconnected. When every slot is taken, the connection that has waited longest on its
        # client is closed to make room.
        #head_timeout_seconds = 10
        #body_timeout_seconds = 30
        # Seconds before an idle connection is closed.
        #idle_timeout_seconds = 60
        # Largest accepted request body, in bytes.
        #max_body_bytes = 1048576
        # Bytes of request bodies held at once across all connections; past it requests get 503 (retry).
        #max_buffered_body_bytes = 67108864
        # Longest time one request may take end to end, in seconds.
        #request_deadline_seconds = 930
        # Seconds in-flight requests get to finish on shutdown.
        #shutdown_grace_seconds = 10
        # HTTPS: PEM certificate chain and private key (set both or neither; unset = plain HTTP).
        #   tls_cert = "/etc/cortensor-edge/tls/cert.pem"
        #   tls_key = "/etc/cortensor-edge/tls/key.pem"
        # Web pages that may call the APIs from a browser (CORS), by origin, or "*" for any; none by default, e.g.:
        #   cors_origins = ["https://app.example.com"]
        #cors_origins = []
        # Web pages that may read the IPFS gateway (/ipfs/, /ipns/); any by default, as public gateways allow.
        #cors_gateway_origins = ["*"]

        # Optional separate listener for /metrics, e.g. on a management network.
        #[admin]
        #host = "127.0.0.1"
        # 0 disables it (metrics are then served on the public listener).
        #port = 0

        # Where the database (blocks, sessions, tasks, API keys) lives.
        #[state]
        #directory = "./.cortensor-edge"
        # The size the database's write-ahead log is kept near (with an IPFS quota, at most a quarter of it).
        #wal_limit_bytes = 16777216
        # Below this many free bytes on the state directory's filesystem, /readyz answers 503 (disk full).
        #min_free_bytes = 33554432
        # One cap over the database, its WAL and its index (0 = none). Old tasks and unpinned blocks are removed to
        # stay under it; with nothing left to free, writes get 507 storage_full and /readyz says why. Sizing:
        # docs/config.md (a task takes about 1 KB with its blocks).
        #max_bytes = 0

        # Task history kept; the oldest tasks beyond any limit are removed in the background (0 = no limit of
        # that kind). A removed task reads as 404 "expired".
        #[tasks]
        #keep_days = 30
        #keep_max = 100000
        #keep_bytes = 134217728

        # API keys and per-key rate limits.
        #[auth]
        # Also accept the public key "default-dev-token". Never enable this on a reachable address.
        #dev_mode = false
        # Let dev_mode listen on a non-loopback server.host (refused without it): anyone who can reach the port
        # can then use the public key.
        #dev_allow_remote = false
        # Sustained requests per minute per key (0 disables rate limiting).
        #rate_limit_per_minute = 600
        # Extra requests a key may send in a burst.
        #rate_limit_burst = 60

        #[log]
        # One of trace, debug, info, notice, warning, error, critical.
        #level = "info"

        # How requests are spread over miners.
        #[pool]
        # Most miners tried per request (retries happen only before the first token); 0 = no cap: a request is
        # bounded by its deadline and by the miners that could serve it.
        #max_attempts = 0
        # Seconds to wait for a miner's first token before trying the next one.
        #first_token_timeout_seconds = 30
        # Seconds a started reply may go without a token before the miner is cut (and charged a failure).
        #inter_token_timeout_seconds = 30
        # Most tokens one reply may carry; a request's max_tokens allows 2 x max_tokens + 16 below this.
        #max_reply_tokens = 32768
        # Most bytes of text one reply may carry (128 bytes per allowed token below this).
        #max_reply_bytes = 4194304
        # Seconds to wait for a connection to a miner.
        #connect_timeout_seconds = 5
        # Seconds between health probes (GET /v1/models) of each miner.
        #probe_interval_seconds = 15
        # Consecutive failures that take a miner out of rotation.
        #breaker_failure_threshold = 3
        # Seconds a failed miner stays out before one trial request.
        #breaker_open_seconds = 30
        # Seconds before a request's deadline kept for the local fallback model: a miner must send its first token
        # before that, and a request with less time left goes straight to the local model (0 = off).
        #fallback_reserve_seconds = 15
        # Hedging (docs/pool.md): with no first token after the pool's p95 first-token latency, clamped to
        # [min, max] milliseconds, the request also starts on the next-best miner; the first token wins.
        #hedge_min_delay_ms = 250
        #hedge_max_delay_ms = 2000
        # Share of requests per window that may hedge (0 = hedging off), plus a burst allowed in any window.
        #hedge_budget_percent = 10
        #hedge_budget_burst = 3
        #hedge_budget_window_seconds = 10

        # The IPFS block store (prompts, results, added files) in the state directory.
        #[ipfs]
        # Most bytes the block store takes on disk, its share of the WAL included; above it the least recently used
        # unpinned blocks are removed (0 = no quota).
        #quota_bytes = 1073741824
        # Trustless gateways asked for blocks missing here; each block is checked against its CID, so a lying
        # gateway can waste time but never change an answer. None by default, e.g.:
        #   upstream_gateways = ["https://trustless-gateway.link"]
        #upstream_gateways = []

        # Completions answered from cache (X-Cache: HIT), in the block store. A request skips the cache with
        # "cache": false in its body or a Cache-Control: no-cache header.
        #[cache]
        # off, deterministic (temperature 0 or an explicit seed) or all.
        #policy = "deterministic"
        # Seconds an entry is served.
        #ttl_seconds = 86400
        # Most entries and bytes kept; the least recently used go first.
        #max_entries = 10000
        #max_bytes = 67108864
        # Times a request must be seen before its completion is stored (1 = the first time).
        #admit_after = 2

        # The local fallback model: a small GGUF model (llama or qwen2 architecture) run on this box's CPU
        # when no miner can answer. It is miner "local", tried after every other miner, for any model.
        #[fallback]
        # A .gguf file; "auto" takes the first *.gguf in the state directory's models/ folder (scripts/setup
        # --model puts SmolLM2-135M-Instruct there); "none" turns it off.
        #model = "auto"
        # Threads for inference (0 = every CPU).
        #threads = 0
        # Most tokens one generation holds, prompt included (at most the model's own context).
        #context = 2048
        # Most tokens one answer may have.
        #max_tokens = 512
        # Requests that may wait while one generation runs; more are refused with 429.
        #queue = 4
        # Requests one API key may have running or waiting; more are refused with 429. Turns go round-robin by
        # key, so one key cannot starve the others.
        #queue_per_key = 2
        # A chat format instead of the one recognized in the model: chatml, llama3, llama2, llama2-sys,
        # llama2-sys-bos, llama2-sys-strip, zephyr, falcon3, phi3, gemma.
        #   chat_template = "chatml"

        # The node's identity on chain: its signing key (create it with `cortensor-edge keys new --node`) and the
        # REST endpoint it publishes (`cortensor-edge chain register`). The keystore password comes from
        # password_file, or CORTENSOR_EDGE_KEY_PASSWORD, or a prompt; it is never a setting.
        #[node]
        # Keystore (V3 JSON, mode 0600); unset = node-key.json in the state directory.
        #   keystore = "/var/lib/cortensor-edge/node-key.json"
        # A file whose first line is the keystore password.
        #   password_file = "/etc/cortensor-edge/node-key.password"
        # The public REST endpoint registered on chain; unset = http(s)://host:port of [server].
        #   public_url = "https://router.example.org"

        # Chains: the seed's registration, health and service layers. None by default (no chain is contacted).
        # A layer that is not configured uses the service chain. Environment: CORTENSOR_EDGE_CHAINS_<LAYER>_<KEY>,
        # e.g. CORTENSOR_EDGE_CHAINS_SERVICE_ENDPOINTS="https://a,https://b".
        #   [chains.service]
        #   chain_id = 421614                          # eth_chainId every endpoint must report
        #   endpoints = ["https://rpc-a.example", "https://rpc-b.example"]
        #   verify = "quorum"                          # quorum | proofs | none
        #   quorum = 2                                 # endpoints that must agree on a header (default: a majority)
        #   confirmations = 2                          # blocks below the head before a header counts
        #   session_v2 = "0x2f1380ba4eFBE866C811862e50923585b31EA03B"
        #   session_queue_v2 = "0x2fCC55699048eD2e22fe46b1dD45557024fD1836"
        #   node_pool = "0x..."                        # optional: miner discovery

        # Miners: OpenAI-compatible servers (llama.cpp server, vLLM, Ollama). None by default;
        # CORTENSOR_EDGE_MINERS="http://a:8080,http://b:8080" or `serve --miner URL` replace this list.
        # One table per miner, for example:
        #   [[miners]]
        #   id = "local-llama"                # unique; letters, digits, '.', '_', '-'
        #   url = "http://127.0.0.1:8080"     # base URL; /v1/... is appended
        #   models = ["llama-3.2-1b"]         # empty = any model
        #   weight = 1.0                      # relative share of traffic
        #   api_key = "secret"                # sent as a bearer token, if the miner needs one

        # Sessions: numbered groups of miners, as Cortensor clients address them (/api/v1/completions/{id}).
        # Session 0 "default" (every miner, their default model) exists unless you define id 0 yourself.
        #   [[sessions]]
        #   id = 1
        #   name = "fast"
        #   model = "llama-3.2-1b"            # empty = the miner's default model
        #   miners = ["local-llama"]          # miner ids; empty = every miner
        #   redundancy = 1                    # miners answering each task
        #   timeout_seconds = 300             # default task deadline

        """
}
