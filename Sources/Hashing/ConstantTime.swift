/// Compares two byte strings without an early exit, so timing does not reveal where they first differ.
///
/// Different lengths return `false` immediately: lengths of digests and tokens are public.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    // Sound: both closures only read their own array's storage while it is alive.
    return unsafe a.withUnsafeBytes { left in
        unsafe b.withUnsafeBytes { right in unsafe LibCrypto.memoryEquals(left, right) }
    }
}
