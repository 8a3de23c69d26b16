/// What the store keeps about an API key: never the key itself, only its public prefix.
public struct APIKeyRecord: Sendable, Hashable {
    /// Row id.
    public let id: Int64
    /// Human-readable label given at creation.
    public let name: String
    /// The key's first 8 characters (`ce_` + 5 hex digits), safe to show in listings and logs.
    public let prefix: String
    /// Creation time, Unix seconds.
    public let createdAt: Int64
    /// Revocation time, Unix seconds; `nil` while the key is active.
    public let revokedAt: Int64?

    /// Creates a record (the store builds these).
    public init(id: Int64, name: String, prefix: String, createdAt: Int64, revokedAt: Int64?) {
        self.id = id
        self.name = name
        self.prefix = prefix
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// Whether the key still authenticates.
    public var isActive: Bool { revokedAt == nil }
}
