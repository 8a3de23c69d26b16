import Hashing

/// Decides whether a request carries a valid API key.
///
/// Keys come from `Authorization: Bearer <key>` or `X-API-Key: <key>`. Stored keys are compared by hash in
/// constant time (`APIKeyStore`); the documented `default-dev-token` is accepted only in dev mode.
public struct Authenticator: Sendable {
    /// The token Cortensor's docs give for development; never valid outside `serve --dev`.
    public static let developmentToken = "default-dev-token"

    let keys: APIKeyStore
    let devMode: Bool

    /// Creates an authenticator over the key store.
    public init(keys: APIKeyStore, devMode: Bool) {
        self.keys = keys
        self.devMode = devMode
    }

    /// The presented key, if the request carries one.
    public static func presentedKey(in headers: HTTPHeaders) -> String? {
        if let authorization = headers["Authorization"] {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return String(parts[1]).trimmingSpaces
            }
        }
        if let key = headers["X-API-Key"], !key.isEmpty { return key.trimmingSpaces }
        return nil
    }

    /// The identity to rate-limit under if the key is valid (a key prefix, or `dev`), else `nil`.
    public func authenticate(_ headers: HTTPHeaders) -> String? {
        guard let presented = Self.presentedKey(in: headers), !presented.isEmpty, presented.utf8.count <= 256 else {
            return nil
        }
        if devMode, constantTimeEquals(Array(presented.utf8), Array(Self.developmentToken.utf8)) {
            return "dev"
        }
        guard let record = try? keys.verify(presented: presented) else { return nil }
        return record.prefix
    }
}
