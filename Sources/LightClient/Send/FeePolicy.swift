import JSON

/// The fees of one EIP-1559 transaction.
public struct FeeSuggestion: Sendable, Hashable {
    /// The most per gas, base fee included.
    public var maxFeePerGas: UInt256
    /// The tip per gas.
    public var maxPriorityFeePerGas: UInt256

    /// Creates fees.
    public init(maxFeePerGas: UInt256, maxPriorityFeePerGas: UInt256) {
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
    }

    /// Both fees raised by `percent` (rounded up, and by at least one wei): nodes replace a pending transaction
    /// only when both its fees rise by 10% or more.
    public func bumped(percent: UInt64) -> FeeSuggestion {
        FeeSuggestion(
            maxFeePerGas: Self.raise(maxFeePerGas, percent),
            maxPriorityFeePerGas: Self.raise(maxPriorityFeePerGas, percent))
    }

    /// The larger of each fee.
    public func atLeast(_ other: FeeSuggestion) -> FeeSuggestion {
        FeeSuggestion(
            maxFeePerGas: max(maxFeePerGas, other.maxFeePerGas),
            maxPriorityFeePerGas: max(maxPriorityFeePerGas, other.maxPriorityFeePerGas))
    }

    private static func raise(_ fee: UInt256, _ percent: UInt64) -> UInt256 {
        let scaled = (fee * UInt256(100 + percent) + UInt256(99)) / UInt256(100)
        return max(scaled, fee + .one)
    }
}

/// How fees are chosen from `eth_feeHistory`: the next block's base fee times a headroom, plus the median over
/// recent blocks of a tip percentile.
public struct FeePolicy: Sendable, Hashable {
    /// Blocks of history asked for.
    public var blocks: UInt64
    /// The tip percentile of each block (0...100).
    public var rewardPercentile: Double
    /// The base fee headroom in percent (200: the fee cap survives about six full blocks of base fee growth).
    public var baseFeeHeadroomPercent: UInt64
    /// The smallest tip offered.
    public var minPriorityFee: UInt256

    /// Creates a policy.
    public init(
        blocks: UInt64 = 10, rewardPercentile: Double = 50, baseFeeHeadroomPercent: UInt64 = 200,
        minPriorityFee: UInt256 = .zero
    ) {
        (self.blocks, self.rewardPercentile) = (blocks, rewardPercentile)
        (self.baseFeeHeadroomPercent, self.minPriorityFee) = (baseFeeHeadroomPercent, minPriorityFee)
    }

    /// Fees from `history`: next base fee × headroom + tip, the tip being the median of the blocks' percentile
    /// tips among blocks that paid any (empty blocks report 0), and at least `minPriorityFee`.
    public func suggest(from history: FeeHistory) -> FeeSuggestion {
        let nextBaseFee = history.baseFeePerGas.last ?? .zero
        let tips = history.reward.compactMap(\.first).filter { !$0.isZero }.sorted { $0 < $1 }
        let median = tips.isEmpty ? UInt256.zero : tips[tips.count / 2]
        let tip = max(median, minPriorityFee)
        let cap = nextBaseFee * UInt256(baseFeeHeadroomPercent) / UInt256(100) + tip
        return FeeSuggestion(maxFeePerGas: cap, maxPriorityFeePerGas: tip)
    }
}
