/// Cumulative histogram buckets in the Prometheus sense, for latencies in seconds.
struct Histogram: Sendable {
    /// Upper bounds of the buckets, in seconds; `+Inf` is implied.
    static let latencyBounds: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
    ]

    private(set) var counts: [UInt64] = Array(repeating: 0, count: Histogram.latencyBounds.count)
    private(set) var count: UInt64 = 0
    private(set) var sum: Double = 0

    mutating func observe(_ seconds: Double) {
        count += 1
        sum += seconds
        if let index = Self.latencyBounds.firstIndex(where: { seconds <= $0 }) {
            counts[index] += 1
        }
    }

    /// Renders `name_bucket`, `name_sum` and `name_count` lines for one label set (`labels` without braces).
    func render(name: String, labels: String, into text: inout String) {
        let prefix = labels.isEmpty ? "" : labels + ","
        var cumulative: UInt64 = 0
        for (bound, bucketCount) in zip(Self.latencyBounds, counts) {
            cumulative += bucketCount
            text += "\(name)_bucket{\(prefix)le=\"\(bound)\"} \(cumulative)\n"
        }
        text += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(count)\n"
        let braces = labels.isEmpty ? "" : "{\(labels)}"
        text += "\(name)_sum\(braces) \(sum)\n"
        text += "\(name)_count\(braces) \(count)\n"
    }
}
