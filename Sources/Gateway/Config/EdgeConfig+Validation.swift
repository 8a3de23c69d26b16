import TOML
import Upstream

/// Checks of a whole configuration: ranges, cross-field rules, miner URLs and session references.
extension EdgeConfig {
    /// Throws the first problem found, naming its key.
    public func validate() throws(ConfigError) {
        for setting in Self.settings {
            guard let value = value(of: setting) else { continue }
            switch (setting.kind, value) {
            case (.integer(let range), .integer(let number)):
                guard range.contains(Int(number)) else {
                    throw .invalidValue(
                        key: setting.path,
                        problem: "\(number) is out of range \(range.lowerBound)...\(range.upperBound)")
                }
            case (.string, .string(let text)), (.optionalString, .string(let text)):
                guard !text.isEmpty else { throw .invalidValue(key: setting.path, problem: "must not be empty") }
                guard !text.unicodeScalars.contains(where: Self.isControl) else {
                    throw .invalidValue(
                        key: setting.path, problem: "\(TOMLSyntax.quoted(text)) contains a control character")
                }
            case (.urlList, .array(let items)):
                // An origin list may also say `*` (any origin).
                let isOrigins = setting.key.hasPrefix("cors_")
                for case .string(let url) in items
                where !(url.hasPrefix("http://") || url.hasPrefix("https://") || (isOrigins && url == "*")) {
                    throw .invalidValue(key: setting.path, problem: "\(TOMLSyntax.quoted(url)) is not an http(s) URL")
                }
            default:
                break
            }
        }
        // Under 4 MiB the WAL's minimum (1 MiB, twice over while a checkpoint runs) would leave the database next to
        // nothing: every write would be refused.
        if stateLimits.maxBytes != 0, stateLimits.maxBytes < Self.minimumStateBytes {
            throw .invalidValue(
                key: "state.max_bytes",
                problem: "\(stateLimits.maxBytes) must be 0 (no cap) or at least \(Self.minimumStateBytes)")
        }
        try validateListeners()
        try validateMiners()
        try validateSessions()
        try validateChains()
        if let url = node.publicURL, !MinerURL.isValid(url) {
            throw .invalidValue(key: "node.public_url", problem: "\(TOMLSyntax.quoted(url)) is not an http(s) URL")
        }
    }

    /// The smallest `[state] max_bytes` accepted (4 MiB).
    static let minimumStateBytes: Int64 = 4 << 20

    private func validateListeners() throws(ConfigError) {
        for (key, host) in [("server.host", server.host), ("admin.host", admin.host)]
        where host.contains(" ") || host.contains("/") {
            throw .invalidValue(key: key, problem: "\(TOMLSyntax.quoted(host)) is not a host name or IP address")
        }
        switch (server.tlsCertificatePath, server.tlsKeyPath) {
        case (nil, .some):
            throw .invalidValue(
                key: "server.tls_key", problem: "is set but server.tls_cert is not (set both or neither)")
        case (.some, nil):
            throw .invalidValue(
                key: "server.tls_cert", problem: "is set but server.tls_key is not (set both or neither)")
        default: break
        }
        if admin.port != 0 && admin.port == server.port {
            throw .invalidValue(key: "admin.port", problem: "\(admin.port) is already used by server.port")
        }
        if server.maxBufferedBodyBytes < server.maxBodyBytes {
            throw .invalidValue(
                key: "server.max_buffered_body_bytes",
                problem: "\(server.maxBufferedBodyBytes) is less than server.max_body_bytes (\(server.maxBodyBytes))")
        }
        // Dev mode accepts a key printed in public docs: on a reachable address anyone could use the router.
        if auth.devMode, !auth.devAllowRemote, !Self.isLoopback(server.host) {
            throw .invalidValue(
                key: "server.host",
                problem: "\(TOMLSyntax.quoted(server.host)) is not a loopback address, and dev mode (--dev, "
                    + "auth.dev_mode) accepts the public default-dev-token; listen on 127.0.0.1, or say "
                    + "--dev-allow-remote (auth.dev_allow_remote = true) to expose it anyway")
        }
    }

    /// Whether `host` can only be reached from this machine: `localhost`, an IPv4 address in 127.0.0.0/8, or
    /// `::1`. Anything else (`0.0.0.0`, `::`, another name or address) may be reachable from the network.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.first == "127"
            && octets.allSatisfy { $0.utf8.allSatisfy { (0x30...0x39).contains($0) } && UInt8($0) != nil }
    }

    private func validateMiners() throws(ConfigError) {
        var seen: [String: Int] = [:]
        for (index, miner) in miners.enumerated() {
            let path = "miners[\(index)]"
            guard !miner.id.isEmpty else { throw .invalidValue(key: "\(path).id", problem: "must not be empty") }
            guard miner.id.utf8.allSatisfy(Self.isIdentifierByte) else {
                throw .invalidValue(
                    key: "\(path).id",
                    problem: "\(TOMLSyntax.quoted(miner.id)) may only use letters, digits, '.', '_' and '-'")
            }
            guard miner.id != "local" || fallback.model == "none" else {
                throw .invalidValue(
                    key: "\(path).id", problem: "\"local\" is the fallback model's id (set fallback.model = \"none\")")
            }
            if let first = seen[miner.id] {
                throw .invalidValue(
                    key: "\(path).id", problem: "\(TOMLSyntax.quoted(miner.id)) is already used by miners[\(first)]")
            }
            seen[miner.id] = index
            guard MinerURL.isValid(miner.url) else {
                throw .invalidValue(
                    key: "\(path).url", problem: "\(TOMLSyntax.quoted(miner.url)) is not an http(s) URL")
            }
            guard miner.weight.isFinite, miner.weight > 0 else {
                throw .invalidValue(key: "\(path).weight", problem: "\(miner.weight) must be a positive number")
            }
            for (modelIndex, model) in miner.models.enumerated() where model.isEmpty {
                throw .invalidValue(key: "\(path).models[\(modelIndex)]", problem: "must not be empty")
            }
            // The key goes into an HTTP header: a control character would split it. Never echo the key itself.
            if let key = miner.apiKey, key.isEmpty || key.unicodeScalars.contains(where: Self.isControl) {
                throw .invalidValue(key: "\(path).api_key", problem: "must be non-empty without control characters")
            }
        }
    }

    private func validateSessions() throws(ConfigError) {
        var seen: [Int: Int] = [:]
        for (index, session) in sessions.enumerated() {
            let path = "sessions[\(index)]"
            guard session.id >= 0 else { throw .invalidValue(key: "\(path).id", problem: "\(session.id) is negative") }
            if let first = seen[session.id] {
                throw .invalidValue(key: "\(path).id", problem: "\(session.id) is already used by sessions[\(first)]")
            }
            seen[session.id] = index
            guard !session.name.isEmpty else { throw .invalidValue(key: "\(path).name", problem: "must not be empty") }
            for (minerIndex, id) in session.miners.enumerated() {
                guard miners.contains(where: { $0.id == id }) else {
                    throw .invalidValue(
                        key: "\(path).miners[\(minerIndex)]",
                        problem: "\(TOMLSyntax.quoted(id)) is not a configured miner id"
                    )
                }
                guard !session.miners[..<minerIndex].contains(id) else {
                    throw .invalidValue(
                        key: "\(path).miners[\(minerIndex)]", problem: "\(TOMLSyntax.quoted(id)) is listed twice")
                }
            }
            guard (1...16).contains(session.redundancy) else {
                throw .invalidValue(key: "\(path).redundancy", problem: "\(session.redundancy) is out of range 1...16")
            }
            guard (1...86_400).contains(session.timeoutSeconds) else {
                throw .invalidValue(
                    key: "\(path).timeout_seconds", problem: "\(session.timeoutSeconds) is out of range 1...86400")
            }
            if let reference = session.chain { try validateChainSession(reference, path: path) }
        }
    }

    /// A chain session needs its layer's chain with a SessionV2 address.
    private func validateChainSession(_ reference: ChainSessionReference, path: String) throws(ConfigError) {
        let layer = reference.layer.rawValue
        guard let chain = chain(for: reference.layer) else {
            throw .invalidValue(
                key: "\(path).chain", problem: "\(TOMLSyntax.quoted(layer)) needs a [chains.\(layer)] table")
        }
        guard chain.sessionContract != nil else {
            let table = chains[reference.layer] != nil ? layer : ChainSettings.Layer.service.rawValue
            throw .invalidValue(
                key: "\(path).chain", problem: "\(TOMLSyntax.quoted(layer)) needs chains.\(table).session_v2 set")
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        TOMLSyntax.isBareKeyByte(byte) || byte == UInt8(ascii: ".")
    }
}

/// The accepted shape of a miner base URL: `http(s)://host[:port][/path]`.
enum MinerURL {
    /// Whether `url` is `http://` or `https://`, a host name, IPv4 or bracketed IPv6 address, an optional port
    /// 1–65535 and an optional path without query, fragment, user info or spaces.
    static func isValid(_ url: String) -> Bool {
        let rest: Substring
        if url.hasPrefix("http://") {
            rest = url.dropFirst(7)
        } else if url.hasPrefix("https://") {
            rest = url.dropFirst(8)
        } else {
            return false
        }
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        guard path.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "?" && $0 != "#" && $0 != "\\" }),
            path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else { return false }
        var host = authority
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { return false }
            port = after.isEmpty ? nil : after.dropFirst()
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                port = authority[authority.index(after: colon)...]
            }
            guard !host.isEmpty, host.utf8.allSatisfy({ TOMLSyntax.isBareKeyByte($0) || $0 == UInt8(ascii: ".") }),
                host.first != "-", host.first != "."
            else { return false }
        }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }),
                let number = Int(port),
                (1...65_535).contains(number)
            else { return false }
        }
        return true
    }
}
