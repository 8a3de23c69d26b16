/// A count-min sketch of how often keys were seen (4 rows of 4-bit-saturating counters, halved as they age):
/// popularity admission in a few kilobytes whatever the number of distinct requests.
struct FrequencySketch: Sendable {
    private var counters: [UInt8]
    private let width: Int
    private var additions = 0
    /// After this many additions every counter is halved, so old popularity fades.
    private let sampleSize: Int

    init(width: Int = 4096) {
        precondition(width > 0 && width & (width - 1) == 0, "the width is a power of two")
        self.width = width
        counters = [UInt8](repeating: 0, count: 4 * width)
        sampleSize = 10 * width
    }

    /// Counts one sighting of `key` (a uniformly distributed digest, at least 16 bytes).
    mutating func add(_ key: [UInt8]) {
        for row in 0..<4 {
            let index = slot(key, row: row)
            if counters[index] < 15 { counters[index] += 1 }
        }
        additions += 1
        if additions >= sampleSize {
            for index in counters.indices { counters[index] >>= 1 }
            additions /= 2
        }
    }

    /// The estimated sightings of `key` (never below the truth, up to 15).
    func estimate(_ key: [UInt8]) -> Int {
        (0..<4).map { Int(counters[slot(key, row: $0)]) }.min() ?? 0
    }

    private func slot(_ key: [UInt8], row: Int) -> Int {
        // Four independent 32-bit words of the digest pick one counter per row.
        let offset = 4 * row
        let word = key[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        return row * width + word & (width - 1)
    }
}
