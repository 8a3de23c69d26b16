import Log
import System
import TOML
import Upstream

/// The scalar settings of the `[server]`, `[admin]`, `[state]`, `[auth]`, `[log]`, `[pool]`, `[ipfs]`, `[cache]`,
/// `[fallback]` and `[node]` sections, declared once as data: file keys, environment variables, validation ranges and
/// `describe` all use it.
extension EdgeConfig {
    /// The type and accepted values of a scalar setting.
    enum SettingKind: Sendable {
        /// An integer within `range`.
        case integer(ClosedRange<Int>)
        /// A non-empty string.
        case string
        /// A non-empty string, or unset.
        case optionalString
        /// A boolean.
        case bool
        /// One of `LogLevel`'s names.
        case logLevel
        /// A list of http(s) URLs (a TOML array of strings; comma-separated in the environment).
        case urlList
        /// One of `CachePolicy`'s names.
        case cachePolicy
    }

    /// One scalar setting, addressed as `section.key` in the file.
    struct Setting: Sendable {
        let section: String
        let key: String
        let kind: SettingKind

        /// `section.key`.
        var path: String { "\(section).\(key)" }
        /// `CORTENSOR_EDGE_SECTION_KEY`.
        var environmentName: String { "CORTENSOR_EDGE_\(section.uppercased())_\(key.uppercased())" }
    }

    private static let day = 86_400

    /// Whole milliseconds of a duration set from milliseconds.
    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// Every scalar setting, in the order `describe` renders them.
    static let settings: [Setting] = [
        Setting(section: "server", key: "host", kind: .string),
        Setting(section: "server", key: "port", kind: .integer(0...65_535)),
        Setting(section: "server", key: "worker_threads", kind: .integer(0...1024)),
        Setting(section: "server", key: "connection_limit", kind: .integer(1...1_000_000)),
        Setting(section: "server", key: "per_ip_connection_limit", kind: .integer(0...1_000_000)),
        Setting(section: "server", key: "head_timeout_seconds", kind: .integer(1...day)),
        Setting(section: "server", key: "body_timeout_seconds", kind: .integer(1...day)),
        Setting(section: "server", key: "idle_timeout_seconds", kind: .integer(1...day)),
        Setting(section: "server", key: "max_body_bytes", kind: .integer(1...(1 << 30))),
        Setting(section: "server", key: "max_buffered_body_bytes", kind: .integer(1...(1 << 40))),
        Setting(section: "server", key: "request_deadline_seconds", kind: .integer(1...day)),
        Setting(section: "server", key: "shutdown_grace_seconds", kind: .integer(0...3600)),
        Setting(section: "server", key: "tls_cert", kind: .optionalString),
        Setting(section: "server", key: "tls_key", kind: .optionalString),
        Setting(section: "server", key: "cors_origins", kind: .urlList),
        Setting(section: "server", key: "cors_gateway_origins", kind: .urlList),
        Setting(section: "admin", key: "host", kind: .string),
        Setting(section: "admin", key: "port", kind: .integer(0...65_535)),
        Setting(section: "state", key: "directory", kind: .string),
        Setting(section: "state", key: "wal_limit_bytes", kind: .integer((1 << 20)...(1 << 40))),
        Setting(section: "state", key: "min_free_bytes", kind: .integer(0...(1 << 50))),
        Setting(section: "state", key: "max_bytes", kind: .integer(0...(1 << 50))),
        Setting(section: "tasks", key: "keep_days", kind: .integer(0...36_500)),
        Setting(section: "tasks", key: "keep_max", kind: .integer(0...(1 << 40))),
        Setting(section: "tasks", key: "keep_bytes", kind: .integer(0...(1 << 50))),
        Setting(section: "auth", key: "dev_mode", kind: .bool),
        Setting(section: "auth", key: "dev_allow_remote", kind: .bool),
        Setting(section: "auth", key: "rate_limit_per_minute", kind: .integer(0...1_000_000)),
        Setting(section: "auth", key: "rate_limit_burst", kind: .integer(1...1_000_000)),
        Setting(section: "log", key: "level", kind: .logLevel),
        Setting(section: "pool", key: "max_attempts", kind: .integer(0...64)),
        Setting(section: "pool", key: "first_token_timeout_seconds", kind: .integer(1...day)),
        Setting(section: "pool", key: "inter_token_timeout_seconds", kind: .integer(1...day)),
        Setting(section: "pool", key: "max_reply_tokens", kind: .integer(1...(1 << 24))),
        Setting(section: "pool", key: "max_reply_bytes", kind: .integer(1024...(1 << 30))),
        Setting(section: "pool", key: "connect_timeout_seconds", kind: .integer(1...600)),
        Setting(section: "pool", key: "probe_interval_seconds", kind: .integer(1...day)),
        Setting(section: "pool", key: "breaker_failure_threshold", kind: .integer(1...1000)),
        Setting(section: "pool", key: "breaker_open_seconds", kind: .integer(1...day)),
        Setting(section: "pool", key: "fallback_reserve_seconds", kind: .integer(0...day)),
        Setting(section: "pool", key: "hedge_min_delay_ms", kind: .integer(10...(600 * 1000))),
        Setting(section: "pool", key: "hedge_max_delay_ms", kind: .integer(10...(600 * 1000))),
        Setting(section: "pool", key: "hedge_budget_percent", kind: .integer(0...100)),
        Setting(section: "pool", key: "hedge_budget_burst", kind: .integer(0...10_000)),
        Setting(section: "pool", key: "hedge_budget_window_seconds", kind: .integer(1...3600)),
        Setting(section: "ipfs", key: "quota_bytes", kind: .integer(0...(1 << 50))),
        Setting(section: "ipfs", key: "upstream_gateways", kind: .urlList),
        Setting(section: "cache", key: "policy", kind: .cachePolicy),
        Setting(section: "cache", key: "ttl_seconds", kind: .integer(1...(30 * day))),
        Setting(section: "cache", key: "max_entries", kind: .integer(1...10_000_000)),
        Setting(section: "cache", key: "max_bytes", kind: .integer(1...(1 << 40))),
        Setting(section: "cache", key: "admit_after", kind: .integer(1...15)),
        Setting(section: "fallback", key: "model", kind: .string),
        Setting(section: "fallback", key: "threads", kind: .integer(0...256)),
        Setting(section: "fallback", key: "context", kind: .integer(16...1 << 20)),
        Setting(section: "fallback", key: "max_tokens", kind: .integer(1...1 << 20)),
        Setting(section: "fallback", key: "queue", kind: .integer(0...1024)),
        Setting(section: "fallback", key: "queue_per_key", kind: .integer(1...1025)),
        Setting(section: "fallback", key: "chat_template", kind: .optionalString),
        Setting(section: "node", key: "keystore", kind: .optionalString),
        Setting(section: "node", key: "password_file", kind: .optionalString),
        Setting(section: "node", key: "public_url", kind: .optionalString),
    ]

    /// The sections holding scalar settings, in order.
    static let scalarSections = [
        "server", "admin", "state", "tasks", "auth", "log", "pool", "ipfs", "cache", "fallback", "node",
    ]

    /// The current value of `setting` (nil for an unset optional string).
    func value(of setting: Setting) -> TOMLValue? {
        switch setting.path {
        case "server.host": .string(server.host)
        case "server.port": .integer(Int64(server.port))
        case "server.worker_threads": .integer(Int64(server.workerThreads))
        case "server.connection_limit": .integer(Int64(server.connectionLimit))
        case "server.per_ip_connection_limit": .integer(Int64(server.perIPConnectionLimit))
        case "server.head_timeout_seconds": .integer(Int64(server.headTimeoutSeconds))
        case "server.body_timeout_seconds": .integer(Int64(server.bodyTimeoutSeconds))
        case "server.idle_timeout_seconds": .integer(Int64(server.idleTimeoutSeconds))
        case "server.max_body_bytes": .integer(Int64(server.maxBodyBytes))
        case "server.max_buffered_body_bytes": .integer(Int64(server.maxBufferedBodyBytes))
        case "server.request_deadline_seconds": .integer(Int64(server.requestDeadlineSeconds))
        case "server.shutdown_grace_seconds": .integer(Int64(server.shutdownGraceSeconds))
        case "server.tls_cert": server.tlsCertificatePath.map(TOMLValue.string)
        case "server.tls_key": server.tlsKeyPath.map(TOMLValue.string)
        case "admin.host": .string(admin.host)
        case "admin.port": .integer(Int64(admin.port))
        case "state.directory": .string(stateDirectory)
        case "state.wal_limit_bytes": .integer(stateLimits.walLimitBytes)
        case "state.min_free_bytes": .integer(stateLimits.minFreeBytes)
        case "state.max_bytes": .integer(stateLimits.maxBytes)
        case "tasks.keep_days": .integer(Int64(taskRetention.keepDays))
        case "tasks.keep_max": .integer(Int64(taskRetention.keepMax))
        case "tasks.keep_bytes": .integer(taskRetention.keepBytes)
        case "auth.dev_mode": .bool(auth.devMode)
        case "auth.dev_allow_remote": .bool(auth.devAllowRemote)
        case "auth.rate_limit_per_minute": .integer(Int64(auth.rateLimitPerMinute))
        case "auth.rate_limit_burst": .integer(Int64(auth.rateLimitBurst))
        case "log.level": .string(logLevel.rawValue)
        case "pool.max_attempts": .integer(Int64(minerPool.maxAttempts))
        case "pool.first_token_timeout_seconds": .integer(minerPool.firstTokenTimeout.components.seconds)
        case "pool.inter_token_timeout_seconds": .integer(minerPool.interTokenTimeout.components.seconds)
        case "pool.max_reply_tokens": .integer(Int64(minerPool.maxReplyTokens))
        case "pool.max_reply_bytes": .integer(Int64(minerPool.maxReplyBytes))
        case "pool.connect_timeout_seconds": .integer(minerPool.connectTimeout.components.seconds)
        case "pool.probe_interval_seconds": .integer(minerPool.probeInterval.components.seconds)
        case "pool.breaker_failure_threshold": .integer(Int64(minerPool.breakerFailureThreshold))
        case "pool.breaker_open_seconds": .integer(minerPool.breakerOpenDuration.components.seconds)
        case "pool.fallback_reserve_seconds": .integer(minerPool.fallbackReserve.components.seconds)
        case "pool.hedge_min_delay_ms": .integer(Self.milliseconds(minerPool.hedgeMinDelay))
        case "pool.hedge_max_delay_ms": .integer(Self.milliseconds(minerPool.hedgeMaxDelay))
        case "pool.hedge_budget_percent": .integer(Int64(minerPool.hedgeBudgetPercent))
        case "pool.hedge_budget_burst": .integer(Int64(minerPool.hedgeBudgetBurst))
        case "pool.hedge_budget_window_seconds": .integer(minerPool.hedgeBudgetWindow.components.seconds)
        case "ipfs.quota_bytes": .integer(ipfs.quotaBytes)
        case "ipfs.upstream_gateways": .array(ipfs.upstreamGateways.map(TOMLValue.string))
        case "server.cors_origins": .array(server.corsOrigins.map(TOMLValue.string))
        case "server.cors_gateway_origins": .array(server.corsGatewayOrigins.map(TOMLValue.string))
        case "cache.policy": .string(completionCache.policy.rawValue)
        case "cache.ttl_seconds": .integer(Int64(completionCache.ttlSeconds))
        case "cache.max_entries": .integer(Int64(completionCache.maxEntries))
        case "cache.max_bytes": .integer(completionCache.maxBytes)
        case "cache.admit_after": .integer(Int64(completionCache.admitAfter))
        case "fallback.model": .string(fallback.model)
        case "fallback.threads": .integer(Int64(fallback.threads))
        case "fallback.context": .integer(Int64(fallback.contextLength))
        case "fallback.max_tokens": .integer(Int64(fallback.maxTokens))
        case "fallback.queue": .integer(Int64(fallback.queueLimit))
        case "fallback.queue_per_key": .integer(Int64(fallback.queuePerKey))
        case "fallback.chat_template": fallback.chatTemplate.map(TOMLValue.string)
        case "node.keystore": node.keystorePath.map(TOMLValue.string)
        case "node.password_file": node.passwordFile.map(TOMLValue.string)
        case "node.public_url": node.publicURL.map(TOMLValue.string)
        default: preconditionFailure("setting \(setting.path) is not mapped")
        }
    }

    /// Stores `value` into `setting` after checking its type; `name` is the key or variable named in errors.
    /// Ranges are checked later by `validate()`, so values set in code are checked the same way.
    mutating func set(_ setting: Setting, to value: TOMLValue, name: String) throws(ConfigError) {
        switch (setting.kind, value) {
        case (.integer, .integer(let number)):
            guard let number = Int(exactly: number) else {
                throw .invalidValue(key: name, problem: "\(number) is out of range")
            }
            setInteger(setting, number)
        case (.string, .string(let text)), (.optionalString, .string(let text)):
            setString(setting, text)
        case (.bool, .bool(let flag)):
            switch setting.path {
            case "auth.dev_mode": auth.devMode = flag
            case "auth.dev_allow_remote": auth.devAllowRemote = flag
            default: preconditionFailure("boolean setting \(setting.path) is not mapped")
            }
        case (.urlList, .array(let items)):
            var urls: [String] = []
            for item in items {
                guard case .string(let url) = item else {
                    throw .wrongType(
                        key: name, expected: "an array of strings", found: "an array with \(item.typeDescription)")
                }
                urls.append(url)
            }
            switch setting.path {
            case "ipfs.upstream_gateways": ipfs.upstreamGateways = urls
            case "server.cors_origins": server.corsOrigins = urls
            case "server.cors_gateway_origins": server.corsGatewayOrigins = urls
            default: preconditionFailure("list setting \(setting.path) is not mapped")
            }
        case (.urlList, _):
            throw .wrongType(key: name, expected: "an array of strings", found: value.typeDescription)
        case (.cachePolicy, .string(let text)):
            guard let policy = CachePolicy(rawValue: text) else {
                let names = CachePolicy.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidValue(key: name, problem: "\(TOMLSyntax.quoted(text)) is not one of \(names)")
            }
            completionCache.policy = policy
        case (.logLevel, .string(let text)):
            guard let level = LogLevel(rawValue: text) else {
                let names = LogLevel.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidValue(key: name, problem: "\(TOMLSyntax.quoted(text)) is not one of \(names)")
            }
            logLevel = level
        case (.integer, _):
            throw .wrongType(key: name, expected: "an integer", found: value.typeDescription)
        case (.string, _), (.optionalString, _), (.logLevel, _), (.cachePolicy, _):
            throw .wrongType(key: name, expected: "a string", found: value.typeDescription)
        case (.bool, _):
            throw .wrongType(key: name, expected: "a boolean", found: value.typeDescription)
        }
    }

    private mutating func setInteger(_ setting: Setting, _ number: Int) {
        switch setting.path {
        case "server.port": server.port = number
        case "server.worker_threads": server.workerThreads = number
        case "server.connection_limit": server.connectionLimit = number
        case "server.per_ip_connection_limit": server.perIPConnectionLimit = number
        case "server.head_timeout_seconds": server.headTimeoutSeconds = number
        case "server.body_timeout_seconds": server.bodyTimeoutSeconds = number
        case "server.idle_timeout_seconds": server.idleTimeoutSeconds = number
        case "server.max_body_bytes": server.maxBodyBytes = number
        case "server.max_buffered_body_bytes": server.maxBufferedBodyBytes = number
        case "server.request_deadline_seconds": server.requestDeadlineSeconds = number
        case "server.shutdown_grace_seconds": server.shutdownGraceSeconds = number
        case "admin.port": admin.port = number
        case "state.wal_limit_bytes": stateLimits.walLimitBytes = Int64(number)
        case "state.min_free_bytes": stateLimits.minFreeBytes = Int64(number)
        case "state.max_bytes": stateLimits.maxBytes = Int64(number)
        case "tasks.keep_days": taskRetention.keepDays = number
        case "tasks.keep_max": taskRetention.keepMax = number
        case "tasks.keep_bytes": taskRetention.keepBytes = Int64(number)
        case "auth.rate_limit_per_minute": auth.rateLimitPerMinute = number
        case "auth.rate_limit_burst": auth.rateLimitBurst = number
        case "pool.max_attempts": minerPool.maxAttempts = number
        case "pool.first_token_timeout_seconds": minerPool.firstTokenTimeout = .seconds(number)
        case "pool.inter_token_timeout_seconds": minerPool.interTokenTimeout = .seconds(number)
        case "pool.max_reply_tokens": minerPool.maxReplyTokens = number
        case "pool.max_reply_bytes": minerPool.maxReplyBytes = number
        case "pool.connect_timeout_seconds": minerPool.connectTimeout = .seconds(number)
        case "pool.probe_interval_seconds": minerPool.probeInterval = .seconds(number)
        case "pool.breaker_failure_threshold": minerPool.breakerFailureThreshold = number
        case "pool.breaker_open_seconds": minerPool.breakerOpenDuration = .seconds(number)
        case "pool.fallback_reserve_seconds": minerPool.fallbackReserve = .seconds(number)
        case "pool.hedge_min_delay_ms": minerPool.hedgeMinDelay = .milliseconds(number)
        case "pool.hedge_max_delay_ms": minerPool.hedgeMaxDelay = .milliseconds(number)
        case "pool.hedge_budget_percent": minerPool.hedgeBudgetPercent = number
        case "pool.hedge_budget_burst": minerPool.hedgeBudgetBurst = number
        case "pool.hedge_budget_window_seconds": minerPool.hedgeBudgetWindow = .seconds(number)
        case "ipfs.quota_bytes": ipfs.quotaBytes = Int64(number)
        case "cache.ttl_seconds": completionCache.ttlSeconds = number
        case "cache.max_entries": completionCache.maxEntries = number
        case "cache.max_bytes": completionCache.maxBytes = Int64(number)
        case "cache.admit_after": completionCache.admitAfter = number
        case "fallback.threads": fallback.threads = number
        case "fallback.context": fallback.contextLength = number
        case "fallback.max_tokens": fallback.maxTokens = number
        case "fallback.queue": fallback.queueLimit = number
        case "fallback.queue_per_key": fallback.queuePerKey = number
        default: preconditionFailure("integer setting \(setting.path) is not mapped")
        }
    }

    private mutating func setString(_ setting: Setting, _ text: String) {
        switch setting.path {
        case "server.host": server.host = text
        case "server.tls_cert": server.tlsCertificatePath = text
        case "server.tls_key": server.tlsKeyPath = text
        case "admin.host": admin.host = text
        case "state.directory": stateDirectory = text
        case "fallback.model": fallback.model = text
        case "fallback.chat_template": fallback.chatTemplate = text
        case "node.keystore": node.keystorePath = text
        case "node.password_file": node.passwordFile = text
        case "node.public_url": node.publicURL = text
        default: preconditionFailure("string setting \(setting.path) is not mapped")
        }
    }
}
