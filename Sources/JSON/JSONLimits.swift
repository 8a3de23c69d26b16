/// Resource limits applied while parsing untrusted JSON.
public struct JSONLimits: Sendable, Hashable {
    /// The deepest nesting of arrays and objects accepted; deeper input fails with `depthLimitExceeded`.
    ///
    /// Values above `JSONLimits.depthCeiling` are treated as the ceiling, so parsing can never exhaust the stack.
    public var maxDepth: Int
    /// The largest input, in bytes, accepted; larger input fails with `tooLarge` before any parsing.
    public var maxBytes: Int

    /// The hard nesting bound of the recursive-descent parser, whatever `maxDepth` says.
    public static let depthCeiling = 512

    /// Limits with the given bounds; the defaults suit request bodies (64 levels, 8 MiB).
    public init(maxDepth: Int = 64, maxBytes: Int = 8 << 20) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }

    /// The depth the parser enforces: `maxDepth` capped at `depthCeiling`.
    var effectiveMaxDepth: Int {
        min(maxDepth, Self.depthCeiling)
    }
}
