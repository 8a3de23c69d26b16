import TestSupport

@testable import Cache

/// Random canonical DAG-CBOR documents with links at random depths, and the links they hold in document order.
struct RandomDagCBOR {
    var generator: SplitMix64
    /// The deepest nesting generated.
    let maximumDepth: Int
    /// Whether map keys are distinct and in canonical order; when false, half the maps keep keys as drawn.
    var canonicalKeys = true
    private(set) var links: [CID] = []

    init(seed: UInt64, maximumDepth: Int = 8) {
        generator = SplitMix64(seed: seed)
        self.maximumDepth = maximumDepth
    }

    /// A fresh document; `links` then lists its links.
    mutating func document() throws -> [UInt8] {
        links = []
        var out: [UInt8] = []
        try item(depth: 0, into: &out)
        return out
    }

    private mutating func random(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }

    private mutating func item(depth: Int, into out: inout [UInt8]) throws {
        let containers = depth < maximumDepth
        switch random(0...(containers ? 11 : 7)) {
        case 0: CBOR.appendHead(major: 0, generator.next() >> UInt64(random(0...63)), to: &out)
        case 1: CBOR.appendHead(major: 1, generator.next() >> UInt64(random(0...63)), to: &out)
        case 2:
            let count = random(0...40)
            CBOR.appendHead(major: 2, UInt64(count), to: &out)
            out += (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        case 3: CBOR.appendText(text(), to: &out)
        case 4: out.append([0xF4, 0xF5, 0xF6][random(0...2)])
        case 5:
            out.append(0xFB)
            let bits = Double.random(in: -1e9...1e9, using: &generator).bitPattern
            out += (0..<8).reversed().map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) }
        case 6, 7: try link(into: &out)
        case 8, 9:
            let count = random(0...10) == 0 ? random(24...30) : random(0...5)
            CBOR.appendHead(major: 4, UInt64(count), to: &out)
            for _ in 0..<count { try item(depth: depth + 1, into: &out) }
        default: try map(depth: depth, into: &out)
        }
    }

    /// A map with distinct text keys in canonical order (by encoded bytes: shorter first, then bytewise).
    private mutating func map(depth: Int, into out: inout [UInt8]) throws {
        var keys: [[UInt8]] = []
        for _ in 0..<random(0...6) {
            var key: [UInt8] = []
            CBOR.appendText(text(), to: &key)
            if !keys.contains(key) || !canonicalKeys { keys.append(key) }
        }
        if canonicalKeys || random(0...1) == 0 { keys.sort { $0.lexicographicallyPrecedes($1) } }
        CBOR.appendHead(major: 5, UInt64(keys.count), to: &out)
        for key in keys {
            out += key
            try item(depth: depth + 1, into: &out)
        }
    }

    private mutating func link(into out: inout [UInt8]) throws {
        let content = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let codecs: [Multicodec] = [.raw, .dagPB, .dagCBOR, .dagJSON]
        var cid = try CID.sha256(content, codec: codecs[random(0...3)])
        if cid.codec == .dagPB, random(0...1) == 0 { cid = try CID(v0: cid.multihash) }
        links.append(cid)
        CBOR.appendHead(major: 6, 42, to: &out)
        CBOR.appendHead(major: 2, UInt64(cid.bytes.count + 1), to: &out)
        out += [0x00] + cid.bytes
    }

    private mutating func text() -> String {
        let words = ["", "a", "b", "ab", "link", "Links", "/", "héllo", "ключ", "🙂", "data", "x y", "bar", "foo"]
        return words[random(0...(words.count - 1))] + (random(0...3) == 0 ? String(random(0...99)) : "")
    }
}
