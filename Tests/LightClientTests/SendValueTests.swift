import JSON
import LightClient
import System
import Testing

/// Pure parts of sending: revert data, fee arithmetic, range-limit errors.
@Suite struct SendValueTests {
    static let errorData = Hex.decode(
        "0x08c379a0" + "0000000000000000000000000000000000000000000000000000000000000020"
            + "000000000000000000000000000000000000000000000000000000000000000b"
            + "6e6f7420616c6c6f776564000000000000000000000000000000000000000000")!

    @Test func revertDataDecodes() {
        #expect(RevertReason(revertData: Self.errorData) == .error("not allowed"))
        let panic = Hex.decode("0x4e487b71" + "0000000000000000000000000000000000000000000000000000000000000032")!
        #expect(RevertReason(revertData: panic) == .panic(code: 0x32))
        #expect(RevertReason.panicMeaning(0x32) == "array index out of bounds")
        #expect(RevertReason.panicMeaning(0x99) == nil)
        #expect(RevertReason(revertData: []) == .empty)
        #expect(RevertReason(revertData: [0xde, 0xad, 0xbe, 0xef]) == .custom(data: [0xde, 0xad, 0xbe, 0xef]))
        #expect(
            RevertReason(revertData: Array(Self.errorData.dropLast(40)))
                == .custom(data: Array(Self.errorData.dropLast(40))))
    }

    @Test func revertsAreReadFromNodeErrors() {
        let geth = JSONRPCError.rpc(code: 3, message: "execution reverted", data: .string(Hex.encode(Self.errorData)))
        #expect(RevertReason(rpcError: geth) == .error("not allowed"))
        let nested = JSONRPCError.rpc(
            code: -32000, message: "execution reverted", data: ["data": .string(Hex.encode(Self.errorData))])
        #expect(RevertReason(rpcError: nested) == .error("not allowed"))
        #expect(RevertReason(rpcError: .rpc(code: -32000, message: "execution reverted", data: nil)) == .empty)
        #expect(RevertReason(rpcError: .rpc(code: -32000, message: "nonce too low", data: nil)) == nil)
        #expect(RevertReason(rpcError: .cancelled) == nil)
    }

    @Test func feesAreTheNextBaseFeeWithHeadroomPlusTheMedianPaidTip() {
        let history = FeeHistory(
            baseFeePerGas: [100, 110, 120, 1_000], reward: [[0], [5], [9], [7]].map { $0.map { UInt256($0) } })
        let fees = FeePolicy(baseFeeHeadroomPercent: 200).suggest(from: history)
        #expect(fees == FeeSuggestion(maxFeePerGas: 2_007, maxPriorityFeePerGas: 7))
        let floor = FeePolicy(baseFeeHeadroomPercent: 100, minPriorityFee: 50).suggest(from: history)
        #expect(floor == FeeSuggestion(maxFeePerGas: 1_050, maxPriorityFeePerGas: 50))
    }

    @Test func bumpsRaiseBothFeesByAtLeastTheRatioAndOneWei() {
        let fees = FeeSuggestion(maxFeePerGas: 1_001, maxPriorityFeePerGas: 0)
        let bumped = fees.bumped(percent: 10)
        #expect(bumped == FeeSuggestion(maxFeePerGas: 1_102, maxPriorityFeePerGas: 1))
        #expect(bumped.maxFeePerGas * 10 >= fees.maxFeePerGas * 11)
    }

    @Test func feeHistoryParsingIsStrict() throws {
        let good: JSONValue = [
            "baseFeePerGas": ["0x1", "0x2"], "reward": [["0x3"]], "oldestBlock": "0x0", "gasUsedRatio": [0.5],
        ]
        #expect(try FeeHistory(json: good) == FeeHistory(baseFeePerGas: [1, 2], gasUsedRatio: [0.5], reward: [[3]]))
        let noBaseFees: JSONValue = ["baseFeePerGas": [], "oldestBlock": "0x0", "gasUsedRatio": []]
        #expect(throws: RPCValueError.self) { try FeeHistory(json: noBaseFees) }
        #expect(throws: RPCValueError.self) { try FeeHistory(json: ["baseFeePerGas": ["0x01"], "oldestBlock": "0x0"]) }
    }
}
