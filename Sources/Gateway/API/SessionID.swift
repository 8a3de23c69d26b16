/// Session ids as every part of the router accepts them.
enum SessionID {
    /// The ids a session may have, the same in the configuration, a request path and a request body: what a TOML
    /// integer and an SQLite integer hold, not negative (0...2^63−1).
    static let range = 0...Int(Int64.max)
}
