/// One JSON-RPC endpoint: its URL (secret: it may carry an API key) and a name safe to log.
public struct RPCEndpoint: Sendable, Hashable {
    /// The full http(s) URL requests are POSTed to. Never logged.
    public let url: String
    /// A name for errors and logs: the given one, else the URL's scheme, host and port only.
    public let name: String

    /// Creates an endpoint; without `name`, the URL without user info, path or query names it.
    public init(url: String, name: String? = nil) {
        self.url = url
        self.name = name ?? Self.redacted(url)
    }

    /// `scheme://host[:port]` of `url`, dropping user info, path, query and fragment.
    static func redacted(_ url: String) -> String {
        var rest = Substring(url)
        var scheme = ""
        // Not `firstRange(of: "://")`: it lives in _StringProcessing, which links Swift's regex engine (~1 MB).
        let schemeLength = rest.prefix { $0.isLetter || $0.isNumber || "+-.".contains($0) }.count
        if rest.dropFirst(schemeLength).hasPrefix("://") {
            scheme = String(rest.prefix(schemeLength + 3))
            rest = rest.dropFirst(schemeLength + 3)
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        return scheme + host
    }
}
