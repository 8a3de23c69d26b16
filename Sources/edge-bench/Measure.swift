import System

/// Runs `body` once and returns the throughput over `bytes` bytes in MB/s (10^6 bytes per second).
func megabytesPerSecond(_ bytes: Int, _ body: () -> Void) -> Double {
    let seconds = measureSeconds(body)
    return Double(bytes) / seconds / 1e6
}

/// Wall-clock seconds `body` takes, on the monotonic clock.
func measureSeconds(_ body: () -> Void) -> Double {
    let elapsed = ContinuousClock().measure(body)
    let parts = elapsed.components
    return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
}

/// The middle value (mean of the two middle values for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// `value` with a fixed number of decimals, without Foundation's formatter.
func format(_ value: Double, digits: Int = 1) -> String {
    guard digits > 0 else { return String(Int(value.rounded())) }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    let whole = scaled / Int(scale)
    let fraction = String(abs(scaled) % Int(scale))
    let padded = String(repeating: "0", count: digits - fraction.count) + fraction
    return "\(whole).\(padded)"
}

/// SplitMix64, so every run hashes the same bytes.
struct BenchRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
