import Hashing
import LightClient

/// Keccak-256 (ours, pure Swift) against libcrypto's SHA3-256 (same permutation and rate, different padding) on
/// the same 64 MiB buffer: repetitions in pairs, alternating which runs first, so load on a shared box hits both.
func runKeccakBenchmark() {
    let size = 64 << 20
    var generator = BenchRandom(seed: 0x6b65_6363_616b)
    let buffer = (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    var ours: [Double] = []
    var openSSL: [Double] = []
    for repetition in 0..<9 {
        let measureOurs = { ours.append(megabytesPerSecond(size) { _ = Keccak256.hash(buffer) }) }
        let measureOpenSSL = { openSSL.append(megabytesPerSecond(size) { _ = SHA3_256.hash(buffer) }) }
        if repetition % 2 == 0 {
            measureOurs()
            measureOpenSSL()
        } else {
            measureOpenSSL()
            measureOurs()
        }
    }
    let pairRatios = zip(ours, openSSL).map { $0 / $1 }
    print("keccak256 (Hashing):       \(format(median(ours))) MB/s (median of \(ours.count))")
    print("sha3-256 (OpenSSL EVP):    \(format(median(openSSL))) MB/s (median of \(openSSL.count))")
    print("ratio ours/OpenSSL:        \(format(median(pairRatios), digits: 3)) (median of pairs; goal >= 0.7)")
}
