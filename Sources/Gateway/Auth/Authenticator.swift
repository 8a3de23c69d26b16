public import HTTPServer
import Hashing
import System

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
            let parts = Self.schemeAndCredentials(authorization)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return String(parts[1]).trimmingSpaces
            }
        }
        if let key = headers["X-API-Key"], !key.isEmpty { return key.trimmingSpaces }
        return nil
    }

    /// `Authorization` split at the first run of spaces. An ASCII value (every real one) is split as bytes: in
    /// ASCII a space byte is a whole Character, and the Character split cost ~5k instructions per request (the
    /// generic byte split ~3k).
    private static func schemeAndCredentials(_ authorization: String) -> [Substring] {
        let bytes = authorization.utf8
        let span = bytes.span
        guard !span.indices.contains(where: { span[$0] >= 0x80 }) else {
            return authorization.split(separator: " ", maxSplits: 1)
        }
        // As `split(separator:maxSplits: 1)` does: leading spaces skipped, the scheme up to the next space, then
        // everything after that space (if anything) as it is.
        let space = UInt8(ascii: " ")
        guard let schemeStart = span.indices.first(where: { span[$0] != space }) else { return [] }
        let schemeEnd = span.indices[schemeStart...].first { span[$0] == space } ?? span.count
        let index = { (offset: Int) in bytes.index(bytes.startIndex, offsetBy: offset) }
        let scheme = Substring(bytes[index(schemeStart)..<index(schemeEnd)])
        guard schemeEnd + 1 < span.count else { return [scheme] }
        return [scheme, Substring(bytes[index(schemeEnd + 1)...])]
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
