// The one LightClient file that asks the kernel for randomness.
import Glibc

/// Random bytes straight from the kernel's CSPRNG (getentropy, glibc's wrapper of getrandom(2), which blocks
/// until the pool is seeded).
enum SystemRandom {
    /// getentropy's largest request.
    private static let chunk = 256

    /// Returns `count` random bytes.
    static func bytes(_ count: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let length = min(chunk, count - filled)
            // Sound: [filled, filled + length) lies inside `output`, which is live for the call.
            let status = unsafe output.withUnsafeMutableBytes { unsafe getentropy($0.baseAddress! + filled, length) }
            // Without randomness no key can be minted safely; stopping is the only honest option.
            precondition(status == 0, "getentropy failed: errno \(errno)")
            filled += length
        }
        return output
    }
}
