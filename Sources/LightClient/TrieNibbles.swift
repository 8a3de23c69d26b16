// Nibble paths and their hex-prefix ("compact") encoding in Merkle-Patricia trie nodes (Yellow Paper, appendix C).

/// The nibbles of `bytes`, high nibble first.
func nibbles(of bytes: some Collection<UInt8>) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        result.append(byte >> 4)
        result.append(byte & 0x0F)
    }
    return result
}

/// Hex-prefix encoding: a flag nibble (2 for a leaf, +1 for an odd length), a zero pad nibble when even, the path.
func compactEncoded(_ path: some Collection<UInt8>, isLeaf: Bool) -> [UInt8] {
    let odd = path.count % 2 == 1
    let flag: UInt8 = (isLeaf ? 2 : 0) + (odd ? 1 : 0)
    var all = [flag] + (odd ? [] : [0]) + path
    var bytes: [UInt8] = []
    bytes.reserveCapacity(all.count / 2)
    while !all.isEmpty {
        bytes.append(all[0] << 4 | all[1])
        all.removeFirst(2)
    }
    return bytes
}

/// The path and leaf flag of a hex-prefix encoding; `nil` for an empty input, a flag above 3 or a non-zero pad.
func compactDecoded(_ bytes: [UInt8]) -> (path: [UInt8], isLeaf: Bool)? {
    guard let first = bytes.first else { return nil }
    let flag = first >> 4
    guard flag <= 3 else { return nil }
    let odd = flag & 1 == 1
    guard odd || first & 0x0F == 0 else { return nil }
    let path = (odd ? [first & 0x0F] : []) + nibbles(of: bytes.dropFirst())
    return (path, flag >= 2)
}
