import Hashing
import LightClient

/// Keccak-256 (ours, pure Swift) against libcrypto's SHA3-256 (same permutation and rate, different padding) on
/// the same 64 MiB buffer, interleaved repetitions, medians.
func runKeccakBenchmark() {
    let size = 64 << 20
    var generator = BenchRandom(seed: 0x6b65_6363_616b)
    let buffer = (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    var ours: [Double] = []
    var openSSL: [Double] = []
    for _ in 0..<7 {
        ours.append(megabytesPerSecond(size) { _ = Keccak256.hash(buffer) })
        openSSL.append(megabytesPerSecond(size) { _ = SHA3_256.hash(buffer) })
    }
    let oursMedian = median(ours)
    let openSSLMedian = median(openSSL)
    print("keccak256 (LightClient):   \(format(oursMedian)) MB/s (median of \(ours.count))")
    print("sha3-256 (OpenSSL EVP):    \(format(openSSLMedian)) MB/s (median of \(openSSL.count))")
    print("ratio ours/OpenSSL:        \(format(oursMedian / openSSLMedian, digits: 3)) (goal >= 0.7)")
}
