import Hashing
public import SQLite
public import System

/// Client API keys: `ce_` + 64 hex digits (32 random bytes). Only the SHA-256 of a key is stored; the plaintext
/// exists once, in the return value of `create`.
public struct APIKeyStore: Sendable {
    /// Every key starts with this marker.
    public static let keyMarker = "ce_"
    /// Length of the public prefix kept for listings.
    public static let prefixLength = 8
    /// Random bytes in a key.
    public static let randomByteCount = 32
    /// Longest accepted key name, in characters.
    public static let maxNameLength = 64

    let database: Database

    /// A store over an already migrated database (see `EdgeStore`).
    public init(database: Database) {
        self.database = database
    }

    /// Mints a key named `name`. The returned `key` is the only copy of the plaintext: show it once, never log it.
    public func create(
        name: String, now: Int64 = WallClock.unixSeconds()
    ) throws -> (key: String, record: APIKeyRecord) {
        let hasControlCharacter = name.unicodeScalars.contains { $0.properties.generalCategory == .control }
        guard (1...Self.maxNameLength).contains(name.count), !hasControlCharacter else {
            throw APIKeyStoreError.invalidName(length: name.count)
        }
        let attempts = 16
        return try database.write { connection in
            // The 8-character prefix carries 20 random bits; redraw on the rare collision so it stays unique.
            for _ in 0..<attempts {
                let key = Self.keyMarker + SecureRandom.bytes(Self.randomByteCount).hexString
                let prefix = String(key.prefix(Self.prefixLength))
                let taken = try connection.queryFirst("SELECT 1 FROM api_keys WHERE prefix = ?", [.text(prefix)])
                guard taken == nil else { continue }
                try connection.execute(
                    "INSERT INTO api_keys (name, prefix, key_hash, created_at) VALUES (?, ?, ?, ?)",
                    [.text(name), .text(prefix), .text(Self.digest(of: key).hexString), .integer(now)])
                let record = APIKeyRecord(
                    id: connection.lastInsertRowID, name: name, prefix: prefix, createdAt: now, revokedAt: nil)
                return (key, record)
            }
            throw APIKeyStoreError.prefixSpaceExhausted(attempts: attempts)
        }
    }

    /// The active key matching `untrustedKey`, or `nil`. Looks the key up by its hash, then compares the stored
    /// hash in constant time.
    public func verify(presented untrustedKey: String) throws -> APIKeyRecord? {
        guard Self.isWellFormed(untrustedKey) else { return nil }
        let digest = Self.digest(of: untrustedKey)
        let row = try database.read { connection in
            try connection.queryFirst(
                """
                SELECT id, name, prefix, key_hash, created_at, revoked_at FROM api_keys
                WHERE key_hash = ? AND revoked_at IS NULL
                """,
                [.text(digest.hexString)])
        }
        guard let row, let storedHash = row.text("key_hash").flatMap({ Hex.decode($0, prefix: .forbidden) }),
            constantTimeEquals(storedHash, digest)
        else { return nil }
        return Self.record(row)
    }

    /// All keys, active and revoked, oldest first.
    public func list() throws -> [APIKeyRecord] {
        try database.read { connection in
            try connection.query("SELECT id, name, prefix, created_at, revoked_at FROM api_keys ORDER BY id")
                .compactMap(Self.record)
        }
    }

    /// Revokes the active key whose public prefix is exactly `prefix`; `false` when there is none.
    @discardableResult
    public func revoke(prefix: String, now: Int64 = WallClock.unixSeconds()) throws -> Bool {
        try database.write { connection in
            try connection.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE prefix = ? AND revoked_at IS NULL",
                [.integer(now), .text(prefix)])
            return connection.changes > 0
        }
    }

    private static func digest(of key: String) -> [UInt8] {
        SHA256.hash(key.utf8)
    }

    /// Whether `key` has the shape of a minted key (marker + 64 lowercase hex digits), checked before any lookup.
    private static func isWellFormed(_ key: String) -> Bool {
        guard key.hasPrefix(keyMarker) else { return false }
        let hex = key.utf8.dropFirst(keyMarker.utf8.count)
        return hex.count == 2 * randomByteCount
            && hex.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func record(_ row: Row) -> APIKeyRecord? {
        guard let id = row.int("id"), let name = row.text("name"), let prefix = row.text("prefix"),
            let createdAt = row.int("created_at")
        else { return nil }
        return APIKeyRecord(id: id, name: name, prefix: prefix, createdAt: createdAt, revokedAt: row.int("revoked_at"))
    }
}
