import Hashing
import LightClient

/// Storage-proof-like verifications per second: a secure trie (keys keccak'd, as Ethereum's storage trie) of
/// 10,000 random 32-byte slots holding RLP-encoded values; proofs of random present keys, verified against the root.
func runTrieProofBenchmark() {
    var generator = BenchRandom(seed: 0x7472_6965)
    func randomWord() -> [UInt8] { (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
    let slots = (0..<10_000).map { _ in randomWord() }
    let values = slots.map { _ in RLPItem.bytes(Array(randomWord().drop { $0 == 0 })).encoded }
    let trie = MerklePatriciaTrie(zip(slots, values).map { (key: Keccak256.hash($0), value: $1) })
    let samples = (0..<2_000).map { _ in Int(generator.next() % UInt64(slots.count)) }.map {
        (slot: slots[$0], value: values[$0])
    }
    let proofs = samples.map { trie.proof(forKey: Keccak256.hash($0.slot)) }
    let averageNodes = Double(proofs.reduce(0) { $0 + $1.count }) / Double(proofs.count)
    var rates: [Double] = []
    for _ in 0..<7 {
        var verified = 0
        let seconds = measureSeconds {
            for (sample, proof) in zip(samples, proofs) {
                // Storage proofs name the slot; the verifier hashes it to find the path, as for eth_getProof.
                let key = Keccak256.hash(sample.slot)
                if (try? TrieProof.verifyInclusion(root: trie.rootHash, key: key, value: sample.value, proof: proof))
                    != nil
                {
                    verified += 1
                }
            }
        }
        precondition(verified == samples.count, "a valid proof failed to verify")
        rates.append(Double(samples.count) / seconds)
    }
    print("trie: 10000 keys, proofs of \(format(averageNodes, digits: 2)) nodes on average")
    print("proof verifications: \(format(median(rates), digits: 0)) /s (median of \(rates.count); goal >= 20000)")
}
