import Hashing
import JSON
import TestSupport
import Testing

@testable import LightClient

/// Seeded mutation fuzzing of the parsers that read bytes from RPC endpoints and files: RLP, JSON-RPC envelopes,
/// untrusted headers, receipts and account proofs, keystores and Merkle proofs. Each input must parse or fail with
/// the parser's typed error; a crash fails the whole run.
@Suite struct LightClientFuzzTests {
    static let jsonTokens: [[UInt8]] = [
        "{", "}", "[", "]", "\"", ":", ",", "0x", "0x0", "00", "ff", "null", "true", "-1", "1e999", "\\u0000",
        "\"0x" + String(repeating: "f", count: 80) + "\"",
    ].map { Array($0.utf8) }

    @Test func rlpNeverCrashesAndRoundTripsWhatItAccepts() throws {
        var random = SplitMix64(seed: 0xF022_0001)
        let seed = RLPItem.list([.bytes([1, 2, 3]), .list([.bytes([]), .bytes(Array(repeating: 7, count: 60))])])
            .encoded
        let tokens: [[UInt8]] = [[0x80], [0xB8, 0x38], [0xC0], [0xF8, 0xFF], [0xFF, 0xFF, 0xFF, 0xFF], [0x00]]
        var accepted = 0
        for _ in 0..<5000 {
            let bytes = ByteMutation.mutate(seed, tokens: tokens, using: &random)
            guard let item = try? RLPDecoder().decode(bytes) else { continue }
            accepted += 1
            #expect(item.encoded == bytes, "strict decoding accepts only the canonical encoding")
        }
        #expect(accepted > 0)
    }

    @Test func jsonRPCEnvelopesNeverCrash() throws {
        var random = SplitMix64(seed: 0xF022_0002)
        let seed = Array(
            #"[{"jsonrpc":"2.0","id":1,"result":"0x10"},{"jsonrpc":"2.0","id":2,"error":{"code":-32000,"message":"x","data":"0x08c379a0"}}]"#
                .utf8)
        for _ in 0..<4000 {
            let bytes = ByteMutation.mutate(seed, tokens: Self.jsonTokens, using: &random)
            guard let value = try? JSONValue.parse(bytes) else { continue }
            _ = try? JSONRPCEnvelope.answers(value, ids: [1, 2], endpoint: "fuzz")
            _ = try? JSONRPCEnvelope.answer(value, id: 1, endpoint: "fuzz")
            if case .array(let items) = value, let first = items.first {
                _ = try? JSONRPCEnvelope.answer(first, id: 1, endpoint: "fuzz")
            }
        }
    }

    static let header = Array(
        """
        {"parentHash":"0x\(String(repeating: "11", count: 32))","sha3Uncles":"0x\(String(repeating: "22", count: 32))",
        "miner":"0x\(String(repeating: "33", count: 20))","stateRoot":"0x\(String(repeating: "44", count: 32))",
        "transactionsRoot":"0x\(String(repeating: "55", count: 32))","receiptsRoot":"0x\(String(repeating: "66", count: 32))",
        "logsBloom":"0x\(String(repeating: "00", count: 256))","difficulty":"0x1","number":"0x5bc4077",
        "gasLimit":"0x4000000000000","gasUsed":"0x9b0c67","timestamp":"0x6476c9df","extraData":"0xd79c",
        "mixHash":"0x\(String(repeating: "77", count: 32))","nonce":"0x00000000000d7b9a","baseFeePerGas":"0x5f5e100",
        "withdrawalsRoot":"0x\(String(repeating: "88", count: 32))","hash":"0x\(String(repeating: "99", count: 32))"}
        """.utf8)

    @Test func untrustedHeadersNeverCrash() throws {
        var random = SplitMix64(seed: 0xF022_0003)
        #expect(
            try UntrustedBlockHeader(json: #require(try JSONValue.parse(Self.header).objectValue)).claimedHash.count
                == 32)
        for _ in 0..<4000 {
            let bytes = ByteMutation.mutate(Self.header, tokens: Self.jsonTokens, using: &random)
            guard let object = (try? JSONValue.parse(bytes))?.objectValue else { continue }
            if let untrusted = try? UntrustedBlockHeader(json: object) {
                _ = try? untrusted.verify()
            }
        }
    }

    @Test func untrustedReceiptsAndProofsNeverCrash() throws {
        var random = SplitMix64(seed: 0xF022_0004)
        let receipt = Array(
            """
            {"type":"0x2","status":"0x1","cumulativeGasUsed":"0x5208","logsBloom":"0x\(String(repeating: "00", count: 256))",
            "transactionIndex":"0x0","blockHash":"0x\(String(repeating: "aa", count: 32))","blockNumber":"0x3",
            "logs":[{"address":"0x\(String(repeating: "44", count: 20))","topics":["0x\(String(repeating: "01", count: 32))"],
            "data":"0x1234","logIndex":"0x0","transactionIndex":"0x0","blockNumber":"0x3",
            "blockHash":"0x\(String(repeating: "aa", count: 32))"}]}
            """.utf8)
        let proof = Array(
            """
            {"address":"0x\(String(repeating: "44", count: 20))","balance":"0x1","nonce":"0x0",
            "codeHash":"0x\(String(repeating: "c5", count: 32))","storageHash":"0x\(String(repeating: "56", count: 32))",
            "accountProof":["0xf8518080","0xe21a"],"storageProof":[{"key":"0x1","value":"0x7","proof":["0xe2a0"]}]}
            """.utf8)
        for _ in 0..<3000 {
            if let value = try? JSONValue.parse(ByteMutation.mutate(receipt, tokens: Self.jsonTokens, using: &random)) {
                _ = try? UntrustedReceipt(json: value)
            }
            if let object = (try? JSONValue.parse(ByteMutation.mutate(proof, tokens: Self.jsonTokens, using: &random)))?
                .objectValue, let untrusted = try? UntrustedAccountProof(json: object)
            {
                _ = try? untrusted.verify(stateRoot: Array(repeating: 0x12, count: 32))
            }
        }
    }

    @Test func merkleProofsOfRandomNodesNeverCrash() {
        var random = SplitMix64(seed: 0xF022_0005)
        for _ in 0..<3000 {
            let nodes = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                let body = (0..<Int.random(in: 0...80, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
                // Half of them are valid RLP lists, so the walk gets past decoding.
                return Bool.random(using: &random) ? RLPItem.list([.bytes(body), .bytes([])]).encoded : body
            }
            let root = nodes.first.map { Keccak256.hash($0) } ?? Array(repeating: 0, count: 32)
            let key = (0..<Int.random(in: 0...33, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random)
            }
            _ = try? TrieProof.verify(root: root, key: key, proof: nodes)
        }
    }

    @Test func keystoresNeverCrash() throws {
        var random = SplitMix64(seed: 0xF022_0006)
        let key = try PrivateKey(bytes: Array(repeating: 0x42, count: 32))
        let text = try Keystore.encrypt(key, password: "fuzz", kdf: .pbkdf2(iterations: 2))
        #expect(try Keystore.decrypt(Array(text.utf8), password: "fuzz") == key)
        for _ in 0..<1500 {
            let bytes = ByteMutation.mutate(Array(text.utf8), tokens: Self.jsonTokens, using: &random)
            _ = try? Keystore.claimedAddress(bytes)
            _ = try? Keystore.decrypt(bytes, password: "fuzz")
        }
    }
}
