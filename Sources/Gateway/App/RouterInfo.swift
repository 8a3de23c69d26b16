import JSON
import System

/// Static facts about this router for `/api/v1/info` and `/api/v1/about`.
public struct RouterInfo: Sendable {
    /// The program version.
    public static let version = "0.1.0"

    let startedAt: ContinuousClock.Instant
    let listenAddress: String

    /// Creates the info for a router listening on `listenAddress`.
    public init(listenAddress: String, startedAt: ContinuousClock.Instant = .now) {
        self.listenAddress = listenAddress
        self.startedAt = startedAt
    }

    var uptimeSeconds: Int { Int(startedAt.duration(to: .now).seconds) }

    var infoJSON: JSONValue {
        [
            "name": "cortensor-edge", "version": .string(Self.version), "role": "routerv1",
            "api_versions": ["v1"], "openai_compatible": true, "listen": .string(listenAddress),
            "uptime_seconds": .int(Int64(uptimeSeconds)),
        ]
    }

    var aboutJSON: JSONValue {
        [
            "name": "cortensor-edge", "version": .string(Self.version),
            "description":
                "Cortensor router node for edge boxes: proxies completions to miners over the Cortensor and OpenAI-compatible APIs.",
        ]
    }
}
