import Hashing
import JSON
import LightClient
import System
import Testing

/// `eth_getProof` results, receipts and the quorum vote as pure functions: built from tries of our own (whose roots
/// and proofs TrieTests checks against the Ethereum vectors), tampered, malformed.
@Suite struct ProofVerificationTests {
    static let address = try! Address(parsing: "0x" + String(repeating: "44", count: 20))
    static let codeHash = Keccak256.hash([0x60, 0x00])

    /// A state trie holding `address` (nonce 3, balance 1000, storage {1: 300, 2: 7}) and one other account; the
    /// `eth_getProof` JSON for `address` and `slots` with the given claims.
    static func proofJSON(
        slots: [UInt64], claims: (inout JSONObject) -> Void = { _ in }
    ) -> (root: [UInt8], json: JSONObject) {
        let storage = MerklePatriciaTrie([
            (key: Keccak256.hash(UInt256(1).bigEndianBytes), value: RLPItem.uint(300).encoded),
            (key: Keccak256.hash(UInt256(2).bigEndianBytes), value: RLPItem.uint(7).encoded),
        ])
        let account = RLPItem.list([.uint(3), .uint(1000), .bytes(storage.rootHash), .bytes(codeHash)]).encoded
        let other = RLPItem.list([
            .uint(0), .uint(5), .bytes(MerklePatriciaTrie.emptyRootHash), .bytes(Keccak256.hash([])),
        ])
        let state = MerklePatriciaTrie([
            (key: Keccak256.hash(address.bytes), value: account),
            (key: Keccak256.hash([0x55] + [UInt8](repeating: 0, count: 19)), value: other.encoded),
        ])
        let hexList: ([[UInt8]]) -> JSONValue = { .array($0.map { .string(Hex.encode($0)) }) }
        var json: JSONObject = [
            "address": .string(Hex.encode(address.bytes)), "nonce": "0x3", "balance": "0x3e8",
            "storageHash": .string(Hex.encode(storage.rootHash)), "codeHash": .string(Hex.encode(codeHash)),
            "accountProof": hexList(state.proof(forKey: Keccak256.hash(address.bytes))),
            "storageProof": .array(
                slots.map { slot in
                    let key = Keccak256.hash(UInt256(slot).bigEndianBytes)
                    let value = storage.value(forKey: key).map { try! RLPDecoder().decode($0).uint256Value() } ?? .zero
                    return [
                        "key": .string(UInt256(slot).hexString), "value": .string(value.hexString),
                        "proof": hexList(storage.proof(forKey: key)),
                    ]
                }),
        ]
        claims(&json)
        return (state.rootHash, json)
    }

    @Test func anHonestProofVerifiesInclusionAndExclusion() throws {
        let (root, json) = Self.proofJSON(slots: [1, 2, 9])
        let account = try UntrustedAccountProof(json: json).verify(stateRoot: root)
        #expect(account.nonce == 3 && account.balance == 1000 && account.codeHash == Self.codeHash)
        #expect(account.storage == [1: 300, 2: 7, 9: 0])
    }

    @Test func aFalseBalanceClaimIsCaught() throws {
        let (root, json) = Self.proofJSON(slots: []) { $0["balance"] = "0x3e9" }
        #expect(
            throws: VerificationError.accountMismatch(
                address: Self.address, field: "balance", expected: [0x03, 0xE8], found: [0x03, 0xE9])
        ) { try UntrustedAccountProof(json: json).verify(stateRoot: root) }
    }

    @Test func aFalseStorageValueIsCaught() throws {
        let (root, json) = Self.proofJSON(slots: [9]) { json in
            var slots = json["storageProof"]!.arrayValue!
            var slot = slots[0].objectValue!
            slot["value"] = "0x1"
            slots[0] = .object(slot)
            json["storageProof"] = .array(slots)
        }
        #expect(throws: VerificationError.storageMismatch(slot: 9, expected: 0, found: 1)) {
            try UntrustedAccountProof(json: json).verify(stateRoot: root)
        }
    }

    @Test func aProofUnderAnotherRootIsCaught() throws {
        let (_, json) = Self.proofJSON(slots: [])
        let wrongRoot = [UInt8](repeating: 1, count: 32)
        let error = #expect(throws: VerificationError.self) {
            try UntrustedAccountProof(json: json).verify(stateRoot: wrongRoot)
        }
        guard case .accountProof(let address, .hashMismatch(index: 0, let expected, _)) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(address == Self.address && expected == wrongRoot)
    }

    @Test func oversizedOrMalformedProofsAreTypedErrors() throws {
        let tooMany = Self.proofJSON(slots: []) { $0["accountProof"] = .array(Array(repeating: "0x80", count: 81)) }
        #expect(throws: VerificationError.malformed(field: "accountProof", reason: "81 elements, at most 80 allowed")) {
            try UntrustedAccountProof(json: tooMany.json)
        }
        let hugeNode = Self.proofJSON(slots: []) {
            $0["accountProof"] = .array([.string("0x" + String(repeating: "00", count: 1025))])
        }
        #expect(
            throws: VerificationError.malformed(field: "accountProof[0]", reason: "1025 bytes, at most 1024 allowed")
        ) { try UntrustedAccountProof(json: hugeNode.json) }
        let longKey = Self.proofJSON(slots: [1]) { json in
            json["storageProof"] = [
                ["key": .string("0x" + String(repeating: "11", count: 33)), "value": "0x0", "proof": []]
            ]
        }
        #expect(
            throws: VerificationError.malformed(
                field: "storageProof[0].key", reason: "not a 0x-prefixed word of 1 to 64 hex digits")
        ) { try UntrustedAccountProof(json: longKey.json) }
    }

    @Test func anOrderedTrieIsKeyedByRLPIndex() {
        #expect(MerklePatriciaTrie.orderedRoot([]) == MerklePatriciaTrie.emptyRootHash)
        let items: [[UInt8]] = (0..<200).map { [UInt8(truncatingIfNeeded: $0), 0xAA] }
        let manual = MerklePatriciaTrie(
            items.enumerated().map { (key: RLPItem.uint(UInt256(UInt64($0.offset))).encoded, value: $0.element) })
        #expect(MerklePatriciaTrie.orderedRoot(items) == manual.rootHash)
        #expect(MerklePatriciaTrie.orderedRoot(items) != MerklePatriciaTrie.orderedRoot(items.reversed()))
    }

    @Test func aQuorumCountsVerifiedHashes() throws {
        let a = [UInt8](repeating: 0xA, count: 32)
        let b = [UInt8](repeating: 0xB, count: 32)
        let outcome = try HeaderQuorum.verify(number: 9, answers: [("x", a), ("y", b), ("z", a)], needed: 2)
        #expect(outcome.hash == a && outcome.dissenters.map(\.endpoint) == ["y"])
        #expect(
            throws: VerificationError.noQuorum(
                number: 9, needed: 2,
                votes: [QuorumVote(hash: a, endpoints: ["x"]), QuorumVote(hash: b, endpoints: ["y"])])
        ) { try HeaderQuorum.verify(number: 9, answers: [("x", a), ("y", b)], needed: 2) }
        // A tie between two hashes that both reach a small quorum is no quorum.
        #expect(throws: VerificationError.self) {
            try HeaderQuorum.verify(number: 9, answers: [("w", a), ("x", a), ("y", b), ("z", b)], needed: 2)
        }
    }

    @Test func malformedReceiptsAreTypedErrors() throws {
        let bloom = JSONValue.string("0x" + String(repeating: "00", count: 256))
        let base: JSONObject = [
            "type": "0x2", "status": "0x1", "cumulativeGasUsed": "0x5208", "logsBloom": bloom,
            "transactionIndex": "0x0",
            "blockHash": .string("0x" + String(repeating: "11", count: 32)), "logs": [],
        ]
        #expect(try UntrustedReceipt(json: .object(base)).consensusEncoding.first == 0x02)
        var badStatus = base
        badStatus["status"] = "0x2"
        #expect(throws: VerificationError.malformed(field: "receipt.status", reason: "neither 0 nor 1")) {
            try UntrustedReceipt(json: .object(badStatus))
        }
        var badTopic = base
        badTopic["logs"] = [
            ["address": .string("0x" + String(repeating: "44", count: 20)), "topics": ["0x01"], "data": "0x"]
        ]
        #expect(throws: VerificationError.malformed(field: "receipt.logs[0].topics", reason: "a topic is not 32 bytes"))
        {
            try UntrustedReceipt(json: .object(badTopic))
        }
        #expect(throws: VerificationError.malformed(field: "receipt", reason: "not an object")) {
            try UntrustedReceipt(json: "0x1")
        }
    }
}
