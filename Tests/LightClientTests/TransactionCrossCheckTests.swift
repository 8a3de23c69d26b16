import Foundation
import LightClient
import System
import TestSupport
import Testing

/// Random legacy (EIP-155 and unprotected) and type-2 transactions signed by eth-account and by us: the same raw
/// bytes and hash; each side decodes the other's and recovers the sender.
@Suite struct TransactionCrossCheckTests {
    typealias Random = AccountCrossCheckTests

    static func transaction(_ generator: inout SplitMix64) -> Transaction {
        let to = generator.next() % 5 == 0 ? nil : Address(bytes: Random.bytes(&generator, 20))
        let data = Random.bytes(&generator, Int(generator.next() % 100))
        let nonce = generator.next() >> (generator.next() % 64)
        let gas = generator.next() >> (generator.next() % 64)
        let value = Random.number(&generator)
        let chainID = UInt256(generator.next() >> (generator.next() % 64 + 1))
        switch generator.next() % 3 {
        case 0:
            return .legacy(
                LegacyTransaction(
                    nonce: nonce, gasPrice: Random.number(&generator), gasLimit: gas, to: to, value: value, data: data,
                    chainID: generator.next() % 4 == 0 ? nil : chainID))
        default:
            let accessList = (0..<Int(generator.next() % 3)).map { _ in
                AccessListEntry(
                    address: Address(bytes: Random.bytes(&generator, 20))!,
                    storageKeys: (0..<Int(generator.next() % 3)).map { _ in Random.bytes(&generator, 32) })
            }
            return .eip1559(
                EIP1559Transaction(
                    chainID: chainID, nonce: nonce, maxPriorityFeePerGas: Random.number(&generator),
                    maxFeePerGas: Random.number(&generator), gasLimit: gas, to: to, value: value, data: data,
                    accessList: accessList))
        }
    }

    /// The transaction as eth-account's dictionary (numbers as decimal text).
    static func json(_ transaction: Transaction) -> [String: Any] {
        switch transaction {
        case .legacy(let legacy):
            var json: [String: Any] = [
                "nonce": "\(legacy.nonce)", "gasPrice": legacy.gasPrice.description, "gas": "\(legacy.gasLimit)",
                "value": legacy.value.description, "data": Random.hex(legacy.data),
            ]
            json["to"] = legacy.to?.checksummed
            json["chainId"] = legacy.chainID?.description
            return json
        case .eip1559(let typed):
            var json: [String: Any] = [
                "nonce": "\(typed.nonce)", "maxPriorityFeePerGas": typed.maxPriorityFeePerGas.description,
                "maxFeePerGas": typed.maxFeePerGas.description, "gas": "\(typed.gasLimit)",
                "value": typed.value.description, "data": Random.hex(typed.data), "chainId": typed.chainID.description,
                "accessList": typed.accessList.map {
                    ["address": $0.address.checksummed, "storageKeys": $0.storageKeys.map(Random.hex)] as [String: Any]
                },
            ]
            json["to"] = typed.to?.checksummed
            return json
        }
    }

    /// What eth-account's decoder should report for our signed transaction.
    static func expectedFields(_ signed: SignedTransaction) -> NSDictionary {
        switch signed.transaction {
        case .legacy(let legacy):
            let v =
                legacy.chainID.map { $0 * 2 + UInt256(35 + UInt64(signed.signature.yParity)) }
                ?? UInt256(27 + UInt64(signed.signature.yParity))
            return [
                "nonce": "\(legacy.nonce)", "gasPrice": legacy.gasPrice.description, "gas": "\(legacy.gasLimit)",
                "to": Random.hex(legacy.to?.bytes ?? []), "value": legacy.value.description,
                "data": Random.hex(legacy.data), "v": v.description, "r": signed.signature.r.description,
                "s": signed.signature.s.description,
            ]
        case .eip1559(let typed):
            return [
                "nonce": "\(typed.nonce)", "gas": "\(typed.gasLimit)", "value": typed.value.description,
                "chainId": typed.chainID.description, "maxPriorityFeePerGas": typed.maxPriorityFeePerGas.description,
                "maxFeePerGas": typed.maxFeePerGas.description, "to": Random.hex(typed.to?.bytes ?? []),
                "data": Random.hex(typed.data), "v": "\(signed.signature.yParity)",
                "accessList": typed.accessList.map {
                    ["address": Random.hex($0.address.bytes), "storageKeys": $0.storageKeys.map(Random.hex)]
                },
            ]
        }
    }

    @Test func transactionsBothWays() async throws {
        var generator = SplitMix64(seed: 53)
        let cases = (0..<80).map { _ in (Random.key(&generator), Self.transaction(&generator)) }
        let ours = cases.map { $0.1.signed(with: $0.0) }
        let answer = try await AccountsPython.ask([
            "transactions": cases.map { ["key": Random.hex($0.0.secretBytes), "tx": Self.json($0.1)] },
            "decode": ours.map { Random.hex($0.rawBytes) },
        ])
        let signed = try #require(answer["transactions"] as? [[String: String]])
        let decoded = try #require(answer["decode"] as? [[String: Any]])
        for index in cases.indices {
            let (key, mine) = (cases[index].0, ours[index])
            #expect(signed[index]["raw"] == Random.hex(mine.rawBytes))
            #expect(signed[index]["hash"] == Random.hex(mine.hash))
            let raw = try #require(signed[index]["raw"])
            let theirs = try SignedTransaction(rawBytes: try #require(Hex.decode(raw)))
            #expect(theirs == mine)
            #expect(try theirs.sender() == key.address)
            #expect(decoded[index]["sender"] as? String == key.address.checksummed)
            #expect(decoded[index]["hash"] as? String == Random.hex(mine.hash))
            let fields = try #require(decoded[index]["fields"] as? NSDictionary)
            #expect(fields.isEqual(Self.expectedFields(mine)), "\(fields) vs \(Self.expectedFields(mine))")
        }
    }
}
