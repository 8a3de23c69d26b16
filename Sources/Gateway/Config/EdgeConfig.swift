public import Log
public import Upstream

/// The effective configuration of the edge router: embedded defaults, then the TOML file, then
/// `CORTENSOR_EDGE_*` environment variables (and command-line flags, applied by the CLI).
public struct EdgeConfig: Sendable, Hashable {
    /// The public HTTP listener (`[server]`).
    public var server = Server()
    /// The optional separate admin listener for `/metrics` (`[admin]`).
    public var admin = Admin()
    /// Directory holding the database and other state (`[state] directory`).
    public var stateDirectory = "./.cortensor-edge"
    /// How much of the disk the state may use (`[state] wal_limit_bytes`, `min_free_bytes`).
    public var stateLimits = StateLimits()
    /// How much task history is kept (`[tasks]`).
    public var taskRetention = TaskRetention()
    /// API keys and rate limits (`[auth]`).
    public var auth = Auth()
    /// Minimum level of log lines written (`[log] level`).
    public var logLevel = LogLevel.info
    /// Retries, timeouts, probes and breakers of the miner pool (`[pool]`).
    public var minerPool = MinerPoolSettings()
    /// Statically configured miners (`[[miners]]`); none by default.
    public var miners: [MinerConfig] = []
    /// The IPFS block store (`[ipfs]`).
    public var ipfs = IPFS()
    /// The completion cache (`[cache]`).
    public var completionCache = CompletionCaching()
    /// The local fallback model (`[fallback]`).
    public var fallback = Fallback()
    /// Local sessions (`[[sessions]]`); session 0 is always present.
    public var sessions: [SessionConfig] = [EdgeConfig.defaultSession]
    /// The chains of the seed's layers (`[chains.registration]`, `[chains.health]`, `[chains.service]`); none by
    /// default, so the router never reaches a chain unless told to.
    public var chains: [ChainSettings.Layer: ChainSettings] = [:]
    /// The node's signing key and published endpoint (`[node]`).
    public var node = NodeSettings()

    /// The embedded defaults: `127.0.0.1:5010`, state in `./.cortensor-edge`, no miners, session 0.
    public init() {}

    /// Session 0, added when the file does not define it: routes to every miner with their default model.
    public static let defaultSession = SessionConfig(id: 0, name: "default")

    /// Settings of the public HTTP listener.
    public struct Server: Sendable, Hashable {
        /// Address to bind.
        public var host = "127.0.0.1"
        /// TCP port to bind; 0 picks a free port (tests).
        public var port = 5010
        /// Request worker threads of the HTTP daemon; 0 uses its polling thread only.
        public var workerThreads = 0
        /// Most simultaneous connections.
        public var connectionLimit = 1024
        /// Most simultaneous connections from one IP address; 0 is unlimited. On by default, so that one address
        /// cannot hold more than a quarter of the slots.
        public var perIPConnectionLimit = 256
        /// Seconds a new connection gets to send its first request head.
        public var headTimeoutSeconds = 10
        /// Seconds a request gets to send its whole body, from its head.
        public var bodyTimeoutSeconds = 30
        /// Seconds an idle connection is kept open (between requests, or with nothing to send or receive).
        public var idleTimeoutSeconds = 60
        /// Largest accepted request body, in bytes.
        public var maxBodyBytes = 1 << 20
        /// Bytes of request bodies held at once across all connections.
        public var maxBufferedBodyBytes = 64 << 20
        /// Longest time one request may take end to end, in seconds.
        public var requestDeadlineSeconds = 930
        /// Seconds in-flight requests get to finish on shutdown.
        public var shutdownGraceSeconds = 10
        /// PEM certificate chain for HTTPS; set together with `tlsKeyPath`.
        public var tlsCertificatePath: String?
        /// PEM private key for HTTPS; set together with `tlsCertificatePath`.
        public var tlsKeyPath: String?
        /// Web origins whose pages may call the APIs from a browser (`*` for any); none by default.
        public var corsOrigins: [String] = []
        /// Web origins whose pages may read the IPFS gateway; any (`*`) by default, as public gateways allow.
        public var corsGatewayOrigins = ["*"]

        /// Creates the default server settings.
        public init() {}
    }

    /// Settings of the optional admin listener (metrics), separate from the public one.
    public struct Admin: Sendable, Hashable {
        /// Address to bind.
        public var host = "127.0.0.1"
        /// TCP port to bind; 0 disables the admin listener (metrics are then served on the public one).
        public var port = 0

        /// Creates the default admin settings.
        public init() {}
    }

    /// The local model that answers when no miner can.
    public struct Fallback: Sendable, Hashable {
        /// A GGUF file; `auto` takes the first `*.gguf` in the state directory's `models/` (if any); `none` turns
        /// the fallback off.
        public var model = "auto"
        /// Threads for inference; 0 uses every CPU online.
        public var threads = 0
        /// Most tokens one generation holds (prompt and answer), at most the model's own context.
        public var contextLength = 2048
        /// Most tokens one answer may have.
        public var maxTokens = 512
        /// Requests that may wait while one generation runs; more get 429.
        public var queueLimit = 4
        /// Requests one API key may have at the local model, running or waiting; more get 429, so one key leaves
        /// room for the others (turns go round-robin by key).
        public var queuePerKey = 2
        /// A chat format to use instead of the one recognized in the model (chatml, llama3, llama2, zephyr, ...).
        public var chatTemplate: String?

        /// Creates the default fallback settings.
        public init() {}
    }

    /// Disk limits of the state directory.
    public struct StateLimits: Sendable, Hashable {
        /// The size the database's write-ahead log is kept near, in bytes; with a block quota, at most a quarter
        /// of it (the quota includes the WAL).
        public var walLimitBytes: Int64 = 16 << 20
        /// Free bytes on the state directory's filesystem below which `/readyz` says not ready (disk full).
        public var minFreeBytes: Int64 = 32 << 20
        /// One cap over the database, its WAL and its index (tasks, blocks, completion cache, everything the router
        /// writes); 0 = none. Retention and block collection keep under it; with nothing left to free, writes get
        /// 507 and `/readyz` says why.
        public var maxBytes: Int64 = 0

        /// Creates the default limits.
        public init() {}
    }

    /// Task history retention: the background pruner removes the oldest tasks beyond any of these (0 = no limit
    /// of that kind); each session's newest task always stays.
    public struct TaskRetention: Sendable, Hashable {
        /// Days a task is kept.
        public var keepDays = 30
        /// Most tasks kept over all sessions.
        public var keepMax = 100_000
        /// Most bytes of task rows kept (their blocks are counted by the block store).
        public var keepBytes: Int64 = 128 << 20

        /// Creates the default retention.
        public init() {}
    }

    /// Settings of the IPFS block store.
    public struct IPFS: Sendable, Hashable {
        /// Most bytes the block store may take on disk, its share of the database's WAL included; least recently
        /// used unpinned blocks go first. 0 = no quota.
        public var quotaBytes: Int64 = 1 << 30
        /// Trustless gateways asked for blocks missing here (every block is verified against its CID); none by
        /// default, so the router never reaches out unless told to.
        public var upstreamGateways: [String] = []

        /// Creates the default IPFS settings.
        public init() {}
    }

    /// Which completions are cached.
    public enum CachePolicy: String, Sendable, Hashable, CaseIterable {
        /// None.
        case off
        /// Those whose output is determined by the request: temperature 0, or an explicit seed.
        case deterministic
        /// Every completion, sampled or not.
        case all
    }

    /// Settings of the completion cache.
    public struct CompletionCaching: Sendable, Hashable {
        public var policy = CachePolicy.deterministic
        /// How long an entry is served.
        public var ttlSeconds = 86_400
        /// Most entries kept; the least recently used go first.
        public var maxEntries = 10_000
        /// Most bytes of cached completions kept.
        public var maxBytes: Int64 = 64 << 20
        /// Times a request is seen before its completion is stored (popularity admission).
        public var admitAfter = 2

        /// Creates the default cache settings.
        public init() {}
    }

    /// API key and rate-limit settings.
    public struct Auth: Sendable, Hashable {
        /// Also accept the public `default-dev-token` key (development only).
        public var devMode = false
        /// Let `devMode` listen on an address other than loopback: without it such a start is refused, as anyone
        /// who can reach the port could use the public key.
        public var devAllowRemote = false
        /// Sustained requests per minute allowed per API key; 0 disables rate limiting.
        public var rateLimitPerMinute = 600
        /// Requests a key may send in a burst above the sustained rate.
        public var rateLimitBurst = 60

        /// Creates the default auth settings.
        public init() {}
    }

    /// Log levels, from most to least verbose; `[log] level` takes their names.
    public typealias LogLevel = Logger.Level
}
