import JSON
import LightClient
import Testing

/// Untrusted node replies the bindings read: logs, receipts and revert answers, malformed ones included.
@Suite struct CortensorReplyTests {
    static let address = "0x" + String(repeating: "ab", count: 20)
    static let topic = "0x" + String(repeating: "01", count: 32)
    static let hash = "0x" + String(repeating: "02", count: 32)

    @Test func aWellFormedLogAndReceiptAreRead() throws {
        let log: JSONValue = [
            "address": .string(Self.address), "topics": [.string(Self.topic)], "data": "0x00ff",
            "blockNumber": "0x1a", "transactionHash": .string(Self.hash),
        ]
        let receipt: JSONValue = [
            "transactionHash": .string(Self.hash), "status": "0x1", "blockNumber": "0x1a", "logs": [log],
        ]
        let read = try ContractReceipt(json: receipt)
        #expect(read.succeeded && read.blockNumber == 26 && read.transactionHash == [UInt8](repeating: 2, count: 32))
        #expect(
            read.logs == [
                ContractLog(
                    address: try Address(parsing: Self.address), topics: [[UInt8](repeating: 1, count: 32)],
                    data: [0, 255],
                    blockNumber: 26, transactionHash: [UInt8](repeating: 2, count: 32))
            ])
        #expect(
            try ContractReceipt(json: [
                "transactionHash": .string(Self.hash), "status": "0x0", "blockNumber": "0x1", "logs": [],
            ]).succeeded == false)
    }

    @Test(
        arguments: [
            ["address": "0xabcd", "topics": [], "data": "0x"],
            ["address": .string(address), "topics": ["0x01"], "data": "0x"],
            ["address": .string(address), "topics": [.string(topic)], "data": "0x0"],
            ["address": .string(address), "topics": [.string(topic)], "data": "00"],
            ["address": .string(address), "topics": .string(topic), "data": "0x"],
            ["address": .string(address), "topics": [], "data": "0x", "blockNumber": "0x01"],
            ["topics": [], "data": "0x"],
            "not a log",
        ] as [JSONValue])
    func aMalformedLogIsRejected(log: JSONValue) {
        #expect(throws: RPCValueError.self) { try ContractLog(json: log) }
    }

    @Test(
        arguments: [
            ["transactionHash": .string(hash), "status": "0x1", "blockNumber": "0x1"],
            ["transactionHash": "0x02", "status": "0x1", "blockNumber": "0x1", "logs": []],
            ["transactionHash": .string(hash), "status": "1", "blockNumber": "0x1", "logs": []],
            ["transactionHash": .string(hash), "status": "0x1", "blockNumber": "0x1", "logs": ["x"]],
            .null,
        ] as [JSONValue])
    func aMalformedReceiptIsRejected(receipt: JSONValue) {
        #expect(throws: RPCValueError.self) { try ContractReceipt(json: receipt) }
    }
}
