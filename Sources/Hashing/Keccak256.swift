/// Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not NIST SHA3-256's (0x06).
///
/// `Keccak256.hash([])` is c5d24601…5d85a470. Feed data with `update` any number of times, then `finalize`.
public struct Keccak256: Sendable {
    /// Length in bytes of a digest.
    public static let digestLength = 32

    /// Bytes absorbed per permutation: 1600 bits minus a capacity of twice the digest size.
    static let rate = 136

    private var lanes = KeccakLanes()
    /// Bytes of the current, not yet permuted block already XORed into the lanes.
    private var position = 0

    /// A hasher with nothing absorbed yet.
    public init() {}

    /// Returns the 32-byte Keccak-256 digest of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = Keccak256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Absorbs `bytes`.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        // Sound: the closure only reads the sequence's storage while it is lent to us.
        let done: Void? = bytes.withContiguousStorageIfAvailable { unsafe update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            let copy = Array(bytes)
            // Sound: the closure only reads `copy`'s storage while it is alive.
            unsafe copy.withUnsafeBytes { unsafe update($0) }
        }
    }

    /// Absorbs the bytes of a live buffer: whole blocks straight into the lanes, the rest byte by byte.
    private mutating func update(_ input: UnsafeRawBufferPointer) {
        var offset = 0
        while position != 0 && offset < input.count {
            // Sound: offset < input.count (loop condition) and `input` is live for this call.
            unsafe absorbByte(input[offset])
            offset += 1
        }
        let wholeBlocks = (input.count - offset) / Self.rate * Self.rate
        if wholeBlocks > 0 {
            // Sound: [offset, offset + wholeBlocks) lies inside `input`.
            unsafe absorbBlocks(UnsafeRawBufferPointer(rebasing: input[offset..<offset + wholeBlocks]))
            offset += wholeBlocks
        }
        while offset < input.count {
            // Sound: offset < input.count (loop condition) and `input` is live for this call.
            unsafe absorbByte(input[offset])
            offset += 1
        }
    }

    /// Absorbs a run of whole blocks with the lanes held in locals across blocks.
    private mutating func absorbBlocks(_ blocks: UnsafeRawBufferPointer) {
        var state = lanes
        var offset = 0
        while offset < blocks.count {
            // Sound: each block [offset, offset + rate) lies inside `blocks`, whose count is a multiple of the rate.
            unsafe state.absorb(block: UnsafeRawBufferPointer(rebasing: blocks[offset..<offset + Self.rate]))
            state.permute()
            offset += Self.rate
        }
        lanes = state
    }

    private mutating func absorbByte(_ byte: UInt8) {
        lanes.xor(lane: position / 8, UInt64(byte) << (8 * UInt64(position % 8)))
        position += 1
        if position == Self.rate {
            lanes.permute()
            position = 0
        }
    }

    /// Pads (0x01 … 0x80), permutes once more and returns the first 32 bytes of the state.
    public consuming func finalize() -> [UInt8] {
        lanes.xor(lane: position / 8, 0x01 << (8 * UInt64(position % 8)))
        lanes.xor(lane: (Self.rate - 1) / 8, 0x80 << 56)
        lanes.permute()
        var digest: [UInt8] = []
        digest.reserveCapacity(Self.digestLength)
        for lane in lanes.digestLanes {
            for shift in stride(from: UInt64(0), to: 64, by: 8) {
                digest.append(UInt8(truncatingIfNeeded: lane >> shift))
            }
        }
        return digest
    }
}
