import Foundation
import Hashing
import LightClient
import System
import TestSupport
import Testing

/// Runs `Tests/Vectors/ethereum/TrieTests`: every vector trie's root, then proofs for its keys and for absent
/// keys, and tampered proofs.
@Suite struct TrieTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let entries: [(key: [UInt8], value: [UInt8])]
        let root: [UInt8]
        var description: String { name }
    }

    static let files: [(file: String, secure: Bool)] = [
        ("trietest.json", false), ("trieanyorder.json", false), ("trietest_secureTrie.json", true),
        ("trieanyorder_secureTrie.json", true), ("hex_encoded_securetrie_test.json", true),
    ]

    /// A key or value of the vectors: `0x…` is hex, anything else is UTF-8 text; null (a deletion) is empty.
    static func bytes(_ value: Any) -> [UInt8] {
        guard let text = value as? String else { return [] }
        return text.hasPrefix("0x") ? Hex.decode(text)! : Array(text.utf8)
    }

    static func cases() throws -> [Case] {
        try files.flatMap { file, secure in
            let data = try Data(contentsOf: TestData.url("ethereum/TrieTests/" + file))
            let tests = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
            return try tests.keys.sorted().map { name in
                let test = tests[name]!
                // Ordered pairs (with deletions as null) or an unordered object.
                let pairs: [(Any, Any)]
                if let list = test["in"] as? [[Any]] {
                    pairs = list.map { ($0[0], $0[1]) }
                } else {
                    let object = try #require(test["in"] as? [String: Any])
                    pairs = object.map { ($0.key, $0.value) }
                }
                let entries = pairs.map { key, value in
                    let rawKey = bytes(key)
                    return (key: secure ? Keccak256.hash(rawKey) : rawKey, value: bytes(value))
                }
                let rootText = try #require(test["root"] as? String)
                let root = try #require(Hex.decode(rootText))
                return Case(name: "\(file) \(name)", entries: entries, root: root)
            }
        }
    }

    @Test func emptyTrie() throws {
        let trie = MerklePatriciaTrie([])
        #expect(Hex.encode(trie.rootHash) == "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
        #expect(trie.proof(forKey: [1]) == [])
        #expect(try TrieProof.verify(root: trie.rootHash, key: [1], proof: []) == nil)
    }

    @Test func vectorFilesAreThere() throws {
        #expect(try Self.cases().count == 25)
    }

    @Test(arguments: try cases())
    func rootHash(_ vector: Case) {
        #expect(MerklePatriciaTrie(vector.entries).rootHash == vector.root)
    }

    /// The final contents: later entries win, empty values delete.
    static func contents(_ vector: Case) -> [[UInt8]: [UInt8]] {
        var contents: [[UInt8]: [UInt8]] = [:]
        for (key, value) in vector.entries { contents[key] = value.isEmpty ? nil : value }
        return contents
    }

    @Test(arguments: try cases())
    func inclusionProofs(_ vector: Case) throws {
        let trie = MerklePatriciaTrie(vector.entries)
        for (key, value) in Self.contents(vector) {
            let proof = trie.proof(forKey: key)
            #expect(trie.value(forKey: key) == value)
            try TrieProof.verifyInclusion(root: vector.root, key: key, value: value, proof: proof)
            #expect(throws: ProofError.valueMismatch(expected: value + [0], found: value)) {
                try TrieProof.verifyInclusion(root: vector.root, key: key, value: value + [0], proof: proof)
            }
        }
    }

    /// Keys next to the present ones (extended, shortened, last byte changed) and random keys are proven absent.
    @Test(arguments: try cases())
    func exclusionProofs(_ vector: Case) throws {
        let trie = MerklePatriciaTrie(vector.entries)
        let contents = Self.contents(vector)
        var generator = SplitMix64(seed: 5)
        var candidates: [[UInt8]] = (0..<20).map { _ in
            (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        }
        for key in contents.keys {
            candidates += [
                key + [0], key + [0x41], Array(key.dropLast()), Array(key.dropLast()) + [(key.last ?? 0) ^ 1],
            ]
        }
        for key in candidates where contents[key] == nil {
            let proof = trie.proof(forKey: key)
            #expect(trie.value(forKey: key) == nil)
            try TrieProof.verifyExclusion(root: vector.root, key: key, proof: proof)
            let error = #expect(throws: ProofError.self) {
                try TrieProof.verifyInclusion(root: vector.root, key: key, value: [1], proof: proof)
            }
            if case .pathMismatch(let nibble)? = error {
                #expect(nibble <= 2 * key.count)
            } else {
                Issue.record("expected pathMismatch, got \(String(describing: error))")
            }
        }
    }

    /// Changing any byte of any proof node, dropping a node or adding one makes the proof fail.
    @Test(arguments: try cases())
    func tamperedProofsFail(_ vector: Case) throws {
        let trie = MerklePatriciaTrie(vector.entries)
        var generator = SplitMix64(seed: 6)
        for key in Self.contents(vector).keys {
            let proof = trie.proof(forKey: key)
            let node = Int(generator.next() % UInt64(proof.count))
            var tampered = proof
            tampered[node][Int(generator.next() % UInt64(proof[node].count))] ^= 0x01
            #expect(throws: ProofError.self) { try TrieProof.verify(root: vector.root, key: key, proof: tampered) }
            #expect(throws: ProofError.self) {
                try TrieProof.verify(root: vector.root, key: key, proof: proof + [[0x80]])
            }
            if proof.count > 1 {
                #expect(throws: ProofError.self) {
                    try TrieProof.verify(root: vector.root, key: key, proof: Array(proof.dropLast()))
                }
            }
            var wrongRoot = vector.root
            wrongRoot[0] ^= 0x80
            #expect(throws: ProofError.hashMismatch(index: 0, expected: wrongRoot, found: vector.root)) {
                try TrieProof.verify(root: wrongRoot, key: key, proof: proof)
            }
        }
    }

    /// A proof for one key does not prove another key's value.
    @Test func proofDoesNotTransferToAnotherKey() throws {
        var generator = SplitMix64(seed: 7)
        let entries = (0..<200).map { _ in
            (
                key: Keccak256.hash([UInt8(truncatingIfNeeded: generator.next())] + [UInt8](repeating: 1, count: 3)),
                value: [UInt8(1 + generator.next() % 200)]
            )
        }
        let trie = MerklePatriciaTrie(entries)
        let keys = Array(Set(entries.map(\.key)))
        for (key, other) in zip(keys, keys.dropFirst()) {
            #expect(throws: ProofError.self) {
                try TrieProof.verify(root: trie.rootHash, key: other, proof: trie.proof(forKey: key))
            }
        }
    }
}
