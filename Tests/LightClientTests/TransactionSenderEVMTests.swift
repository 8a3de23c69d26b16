import LightClient
import Testing

/// The transaction sender against a real EVM (py-evm dev chains with a geth-like pool).
@Suite struct TransactionSenderEVMTests {
    @Test func sendsWithConsecutiveNoncesAndEstimatedGas() async throws {
        let chain = try DevChain()
        let sender = chain.sender()
        let first = try await chain.ping(7, from: sender)
        let second = try await chain.ping(8, from: sender)
        #expect(first.succeeded && second.succeeded)
        #expect(second.block.number == first.block.number + 1)
        #expect(try await chain.client().transactionCount(of: sender.address) == 2)
        let values = try DevChain.pingEvent.decodeLog(topics: first.logs[0].topics, data: first.logs[0].data)
        #expect(values == [.address(sender.address), .uint(7)])
        #expect(first.gasUsed < 30_000)
    }

    @Test func aRestartedNonceManagerContinuesAfterPendingTransactions() async throws {
        let chain = try DevChain()
        let request = TransactionRequest(to: DevChain.emitter, data: try DevChain.ping.encodeCall([.uint(1)]))
        let before = try await chain.sender().send(request)
        let again = try await chain.sender().send(request)  // A fresh manager: the pending count is 1.
        #expect(before.transaction.nonce == 0)
        #expect(again.transaction.nonce == 1)
        try await chain.mine()
        #expect(try await chain.client().transactionCount(of: DevChain.devKey(0).address) == 2)
    }

    @Test func feesFollowTheNextBaseFeeAndPaidTips() async throws {
        let chain = try DevChain()
        let sender = chain.sender(fees: FeePolicy(blocks: 4, rewardPercentile: 50, baseFeeHeadroomPercent: 200))
        let pending = try await sender.send(
            TransactionRequest(to: DevChain.emitter, data: try DevChain.ping.encodeCall([.uint(1)])))
        let history = try await chain.client().feeHistory(blockCount: 1, rewardPercentiles: [50])
        let nextBaseFee = history.baseFeePerGas.last!
        #expect(pending.transaction.maxPriorityFeePerGas == .zero)  // No block paid a tip yet.
        #expect(pending.transaction.maxFeePerGas == nextBaseFee * 2)
        try await chain.mine()
        _ = try await sender.waitForReceipt(of: pending, timeout: .seconds(30))
    }

    @Test(arguments: [
        (UInt64(0), RevertReason.error("not allowed")), (0x12, .panic(code: 0x12)), (0x11, .panic(code: 0x11)),
    ])
    func estimationRevealsTheRevertReason(code: UInt64, reason: RevertReason) async throws {
        let chain = try DevChain()
        let request = TransactionRequest(
            to: DevChain.reverter, data: try DevChain.fail.encodeCall([.uint(UInt256(code))]))
        await #expect(throws: SendError.reverted(reason)) { try await chain.sender().send(request) }
        await #expect(throws: JSONRPCError.self) {
            try await chain.client().call(CallRequest(to: DevChain.reverter, data: request.data))
        }
    }

    @Test func aMinedFailureCarriesItsReplayedPanic() async throws {
        let chain = try DevChain()
        let sender = chain.sender()
        let request = TransactionRequest(
            to: DevChain.reverter, data: try DevChain.fail.encodeCall([.uint(0x11)]), gasLimit: 100_000)
        let pending = try await sender.send(request)
        try await chain.mine()
        do {
            _ = try await sender.waitForReceipt(of: pending, timeout: .seconds(30))
            Issue.record("a reverting transaction succeeded")
        } catch .failed(let receipt, let reason) {
            #expect(!receipt.succeeded)
            #expect(receipt.transactionHash == pending.hash)
            #expect(reason == .panic(code: 0x11))
            #expect(reason?.description == "panicked: 0x11 (arithmetic overflow or underflow)")
        }
    }

    @Test func aStuckTransactionIsReplacedAtTheSameNonce() async throws {
        let chain = try DevChain()
        let nonces = NonceManager(client: chain.client())
        // A fee cap at half the next base fee: the pool keeps it, no block includes it.
        let stingy = chain.sender(nonces: nonces, fees: FeePolicy(baseFeeHeadroomPercent: 50))
        let request = TransactionRequest(to: DevChain.emitter, data: try DevChain.ping.encodeCall([.uint(3)]))
        let stuck = try await stingy.send(request)
        try await chain.mine()
        await #expect(throws: SendError.receiptTimeout(hash: stuck.hash)) {
            try await stingy.waitForReceipt(of: stuck, timeout: .milliseconds(100))
        }
        let replaced = try await chain.sender(nonces: nonces).replace(stuck)
        #expect(replaced.transaction.nonce == stuck.transaction.nonce)
        #expect(replaced.transaction.maxFeePerGas * 10 >= stuck.transaction.maxFeePerGas * 11)
        #expect(replaced.transaction.maxPriorityFeePerGas >= stuck.transaction.maxPriorityFeePerGas)
        #expect(replaced.hashes == [stuck.hash, replaced.hash])
        #expect(try await chain.poolSize() == 1)
        try await chain.mine()
        let receipt = try await stingy.waitForReceipt(of: replaced, timeout: .seconds(30))
        #expect(receipt.transactionHash == replaced.hash)
    }

    @Test func sendAndWaitGivesUpAfterItsReplacements() async throws {
        let chain = try DevChain()
        let stingy = chain.sender(fees: FeePolicy(baseFeeHeadroomPercent: 20))
        let request = TransactionRequest(to: DevChain.emitter, data: try DevChain.ping.encodeCall([.uint(4)]))
        do {
            _ = try await stingy.sendAndWait(
                request, stuckAfter: .milliseconds(50), timeout: .seconds(2), maxReplacements: 2)
            Issue.record("a transaction below the base fee was mined")
        } catch .receiptTimeout {
        }
        #expect(try await chain.poolSize() == 1)  // Each replacement took the place of the one before.
        #expect(try await chain.client().transactionCount(of: stingy.address, at: .pending) == 1)
    }
}
