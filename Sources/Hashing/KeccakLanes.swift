// Keccak-f[1600], the permutation behind Keccak-256. The round body is unrolled over the 25 lanes; rotation offsets
// and round constants are those of the Keccak reference (FIPS 202 §3.2).

/// The 25 lanes of the Keccak-f[1600] state, `a[x + 5y]`, as separate fields so the permutation keeps them in
/// registers.
///
/// Lanes 1, 2, 8, 12, 17 and 20 are stored complemented ("lane complementing", from the Keccak team's
/// implementation notes): chi then needs 8 NOTs per round instead of 25. Absorbing XORs are unaffected; whoever
/// reads lanes out must complement those (see `digestLanes`).
struct KeccakLanes: Sendable {
    var a0: UInt64 = 0
    var a1: UInt64 = ~0
    var a2: UInt64 = ~0
    var a3: UInt64 = 0
    var a4: UInt64 = 0
    var a5: UInt64 = 0
    var a6: UInt64 = 0
    var a7: UInt64 = 0
    var a8: UInt64 = ~0
    var a9: UInt64 = 0
    var a10: UInt64 = 0
    var a11: UInt64 = 0
    var a12: UInt64 = ~0
    var a13: UInt64 = 0
    var a14: UInt64 = 0
    var a15: UInt64 = 0
    var a16: UInt64 = 0
    var a17: UInt64 = ~0
    var a18: UInt64 = 0
    var a19: UInt64 = 0
    var a20: UInt64 = ~0
    var a21: UInt64 = 0
    var a22: UInt64 = 0
    var a23: UInt64 = 0
    var a24: UInt64 = 0
}

/// The 24 round constants of Keccak-f[1600] (iota step).
private let roundConstants: [UInt64] = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]

@inline(__always)
private func rotl(_ value: UInt64, _ count: UInt64) -> UInt64 {
    value &<< count | value &>> (64 &- count)
}

extension KeccakLanes {
    /// Applies Keccak-f[1600]: 24 rounds of theta, rho, pi, chi and iota, two rounds per loop iteration unrolled
    /// over the lanes (the chi expressions keep the complemented lanes complemented).
    @inline(__always)
    mutating func permute() {
        var a0 = self.a0
        var a1 = self.a1
        var a2 = self.a2
        var a3 = self.a3
        var a4 = self.a4
        var a5 = self.a5
        var a6 = self.a6
        var a7 = self.a7
        var a8 = self.a8
        var a9 = self.a9
        var a10 = self.a10
        var a11 = self.a11
        var a12 = self.a12
        var a13 = self.a13
        var a14 = self.a14
        var a15 = self.a15
        var a16 = self.a16
        var a17 = self.a17
        var a18 = self.a18
        var a19 = self.a19
        var a20 = self.a20
        var a21 = self.a21
        var a22 = self.a22
        var a23 = self.a23
        var a24 = self.a24
        for round in stride(from: 0, to: 24, by: 2) {
            do {
                let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
                let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
                let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
                let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
                let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
                let d0 = c4 ^ rotl(c1, 1)
                let d1 = c0 ^ rotl(c2, 1)
                let d2 = c1 ^ rotl(c3, 1)
                let d3 = c2 ^ rotl(c4, 1)
                let d4 = c3 ^ rotl(c0, 1)
                let b0 = a0 ^ d0
                let b16 = rotl(a5 ^ d0, 36)
                let b7 = rotl(a10 ^ d0, 3)
                let b23 = rotl(a15 ^ d0, 41)
                let b14 = rotl(a20 ^ d0, 18)
                let b10 = rotl(a1 ^ d1, 1)
                let b1 = rotl(a6 ^ d1, 44)
                let b17 = rotl(a11 ^ d1, 10)
                let b8 = rotl(a16 ^ d1, 45)
                let b24 = rotl(a21 ^ d1, 2)
                let b20 = rotl(a2 ^ d2, 62)
                let b11 = rotl(a7 ^ d2, 6)
                let b2 = rotl(a12 ^ d2, 43)
                let b18 = rotl(a17 ^ d2, 15)
                let b9 = rotl(a22 ^ d2, 61)
                let b5 = rotl(a3 ^ d3, 28)
                let b21 = rotl(a8 ^ d3, 55)
                let b12 = rotl(a13 ^ d3, 25)
                let b3 = rotl(a18 ^ d3, 21)
                let b19 = rotl(a23 ^ d3, 56)
                let b15 = rotl(a4 ^ d4, 27)
                let b6 = rotl(a9 ^ d4, 20)
                let b22 = rotl(a14 ^ d4, 39)
                let b13 = rotl(a19 ^ d4, 8)
                let b4 = rotl(a24 ^ d4, 14)
                a0 = b0 ^ (b1 | b2)
                a1 = b1 ^ (b3 | ~b2)
                a2 = b2 ^ (b3 & b4)
                a3 = b3 ^ (b4 | b0)
                a4 = b4 ^ (b0 & b1)
                a5 = b5 ^ (b6 | b7)
                a6 = b6 ^ (b7 & b8)
                a7 = b7 ^ (b8 | ~b9)
                a8 = b8 ^ (b9 | b5)
                a9 = b9 ^ (b5 & b6)
                a10 = b10 ^ (b11 | b12)
                a11 = b11 ^ (b12 & b13)
                a12 = b12 ^ (~b13 & b14)
                a13 = ~(b13 ^ (b14 | b10))
                a14 = b14 ^ (b10 & b11)
                a15 = b15 ^ (b16 & b17)
                a16 = b16 ^ (b17 | b18)
                a17 = b17 ^ (b19 | ~b18)
                a18 = ~(b18 ^ (b19 & b15))
                a19 = b19 ^ (b15 | b16)
                a20 = b20 ^ (~b21 & b22)
                a21 = ~(b21 ^ (b22 | b23))
                a22 = b22 ^ (b23 & b24)
                a23 = b23 ^ (b24 | b20)
                a24 = b24 ^ (b20 & b21)
                a0 ^= roundConstants[round]
            }
            do {
                let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
                let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
                let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
                let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
                let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
                let d0 = c4 ^ rotl(c1, 1)
                let d1 = c0 ^ rotl(c2, 1)
                let d2 = c1 ^ rotl(c3, 1)
                let d3 = c2 ^ rotl(c4, 1)
                let d4 = c3 ^ rotl(c0, 1)
                let b0 = a0 ^ d0
                let b16 = rotl(a5 ^ d0, 36)
                let b7 = rotl(a10 ^ d0, 3)
                let b23 = rotl(a15 ^ d0, 41)
                let b14 = rotl(a20 ^ d0, 18)
                let b10 = rotl(a1 ^ d1, 1)
                let b1 = rotl(a6 ^ d1, 44)
                let b17 = rotl(a11 ^ d1, 10)
                let b8 = rotl(a16 ^ d1, 45)
                let b24 = rotl(a21 ^ d1, 2)
                let b20 = rotl(a2 ^ d2, 62)
                let b11 = rotl(a7 ^ d2, 6)
                let b2 = rotl(a12 ^ d2, 43)
                let b18 = rotl(a17 ^ d2, 15)
                let b9 = rotl(a22 ^ d2, 61)
                let b5 = rotl(a3 ^ d3, 28)
                let b21 = rotl(a8 ^ d3, 55)
                let b12 = rotl(a13 ^ d3, 25)
                let b3 = rotl(a18 ^ d3, 21)
                let b19 = rotl(a23 ^ d3, 56)
                let b15 = rotl(a4 ^ d4, 27)
                let b6 = rotl(a9 ^ d4, 20)
                let b22 = rotl(a14 ^ d4, 39)
                let b13 = rotl(a19 ^ d4, 8)
                let b4 = rotl(a24 ^ d4, 14)
                a0 = b0 ^ (b1 | b2)
                a1 = b1 ^ (b3 | ~b2)
                a2 = b2 ^ (b3 & b4)
                a3 = b3 ^ (b4 | b0)
                a4 = b4 ^ (b0 & b1)
                a5 = b5 ^ (b6 | b7)
                a6 = b6 ^ (b7 & b8)
                a7 = b7 ^ (b8 | ~b9)
                a8 = b8 ^ (b9 | b5)
                a9 = b9 ^ (b5 & b6)
                a10 = b10 ^ (b11 | b12)
                a11 = b11 ^ (b12 & b13)
                a12 = b12 ^ (~b13 & b14)
                a13 = ~(b13 ^ (b14 | b10))
                a14 = b14 ^ (b10 & b11)
                a15 = b15 ^ (b16 & b17)
                a16 = b16 ^ (b17 | b18)
                a17 = b17 ^ (b19 | ~b18)
                a18 = ~(b18 ^ (b19 & b15))
                a19 = b19 ^ (b15 | b16)
                a20 = b20 ^ (~b21 & b22)
                a21 = ~(b21 ^ (b22 | b23))
                a22 = b22 ^ (b23 & b24)
                a23 = b23 ^ (b24 | b20)
                a24 = b24 ^ (b20 & b21)
                a0 ^= roundConstants[round + 1]
            }
        }
        self.a0 = a0
        self.a1 = a1
        self.a2 = a2
        self.a3 = a3
        self.a4 = a4
        self.a5 = a5
        self.a6 = a6
        self.a7 = a7
        self.a8 = a8
        self.a9 = a9
        self.a10 = a10
        self.a11 = a11
        self.a12 = a12
        self.a13 = a13
        self.a14 = a14
        self.a15 = a15
        self.a16 = a16
        self.a17 = a17
        self.a18 = a18
        self.a19 = a19
        self.a20 = a20
        self.a21 = a21
        self.a22 = a22
        self.a23 = a23
        self.a24 = a24
    }

    /// XORs one 136-byte rate block (little-endian lanes 0..<17) into the state.
    @inline(__always)
    mutating func absorb(block: UnsafeRawBufferPointer) {
        precondition(block.count >= 136, "a Keccak-256 block is 136 bytes")
        // Sound (every load below): the precondition puts all 17 eight-byte loads, offsets 0...128, inside `block`,
        // which the caller keeps alive for this call; loadUnaligned has no alignment requirement.
        a0 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        a1 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        a2 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        a3 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        a4 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
        a5 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 40, as: UInt64.self))
        a6 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 48, as: UInt64.self))
        a7 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 56, as: UInt64.self))
        a8 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 64, as: UInt64.self))
        a9 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 72, as: UInt64.self))
        a10 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 80, as: UInt64.self))
        a11 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 88, as: UInt64.self))
        a12 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 96, as: UInt64.self))
        a13 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 104, as: UInt64.self))
        a14 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 112, as: UInt64.self))
        a15 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 120, as: UInt64.self))
        a16 ^= UInt64(littleEndian: unsafe block.loadUnaligned(fromByteOffset: 128, as: UInt64.self))
    }

    /// Lanes 0...3 as the standard representation (the first 32 bytes of output, little-endian).
    var digestLanes: [UInt64] { [a0, ~a1, ~a2, a3] }

    /// XORs `value` into rate lane `index` (0..<17).
    mutating func xor(lane index: Int, _ value: UInt64) {
        switch index {
        case 0: a0 ^= value
        case 1: a1 ^= value
        case 2: a2 ^= value
        case 3: a3 ^= value
        case 4: a4 ^= value
        case 5: a5 ^= value
        case 6: a6 ^= value
        case 7: a7 ^= value
        case 8: a8 ^= value
        case 9: a9 ^= value
        case 10: a10 ^= value
        case 11: a11 ^= value
        case 12: a12 ^= value
        case 13: a13 ^= value
        case 14: a14 ^= value
        case 15: a15 ^= value
        case 16: a16 ^= value
        default: preconditionFailure("lane \(index) is outside the rate")
        }
    }
}
