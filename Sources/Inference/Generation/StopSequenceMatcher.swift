/// Finds stop sequences in streamed text. Text that could be the start of a stop sequence is held back until
/// the next chunk shows whether it is one, so a stop sequence never reaches the caller, even when it is split
/// across tokens.
public struct StopSequenceMatcher: Sendable {
    private let stops: [[UInt8]]
    private var held: [UInt8] = []

    /// What to do with a chunk: the text that is safe to emit, and whether generation must stop.
    public struct Outcome: Sendable, Equatable {
        public var text: String
        public var stopped: Bool
    }

    /// Empty strings are ignored.
    public init(_ stops: [String]) {
        self.stops = stops.map { Array($0.utf8) }.filter { !$0.isEmpty }
    }

    /// Feeds the next decoded text; after a stop, the text before the stop sequence is the rest of the output.
    public mutating func feed(_ text: String) -> Outcome {
        held.append(contentsOf: text.utf8)
        if let stop = firstStop() {
            defer { held = [] }
            return Outcome(text: String(decoding: held[..<stop], as: UTF8.self), stopped: true)
        }
        let keep = longestPendingPrefix()
        defer { held.removeFirst(held.count - keep) }
        return Outcome(text: String(decoding: held[..<(held.count - keep)], as: UTF8.self), stopped: false)
    }

    /// The text still held back, for when generation ends without a stop.
    public mutating func flush() -> String {
        defer { held = [] }
        return String(decoding: held, as: UTF8.self)
    }

    /// Where the earliest stop sequence in the held text begins.
    private func firstStop() -> Int? {
        stops.compactMap { stop in
            guard held.count >= stop.count else { return nil }
            return (0...(held.count - stop.count)).first { held[$0..<$0 + stop.count].elementsEqual(stop) }
        }.min()
    }

    /// The longest end of the held text that begins some stop sequence (so must wait for more text).
    private func longestPendingPrefix() -> Int {
        var longest = 0
        for stop in stops {
            for length in stride(from: min(stop.count - 1, held.count), to: longest, by: -1)
            where held.suffix(length).elementsEqual(stop.prefix(length)) {
                longest = length
                break
            }
        }
        return longest
    }
}
