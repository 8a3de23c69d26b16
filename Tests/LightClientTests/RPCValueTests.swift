import JSON
import TestSupport
import Testing

@testable import LightClient

@Suite struct RPCValueTests {
    @Test(arguments: [("0x0", "0"), ("0x1a", "26"), ("0xDE0B6B3A7640000", "1000000000000000000")])
    func quantitiesParse(text: String, decimal: String) throws {
        #expect(try RPCQuantity.uint256(.string(text)).description == decimal)
    }

    @Test(arguments: ["0x", "0x00", "0x01", "1a", "0X1", "0xg", "", "0x" + String(repeating: "f", count: 65)])
    func malformedQuantitiesAreRejected(text: String) {
        #expect(throws: RPCValueError.self) { try RPCQuantity.uint256(.string(text)) }
    }

    @Test func quantityMustBeAString() {
        #expect(throws: RPCValueError("quantity is not a string")) { try RPCQuantity.uint256(.int(1)) }
    }

    @Test func largestQuantityFits() throws {
        #expect(try RPCQuantity.uint256(.string("0x" + String(repeating: "f", count: 64))) == .max)
        #expect(throws: RPCValueError("quantity exceeds 64 bits")) {
            try RPCQuantity.uint64(.string("0x10000000000000000"))
        }
    }

    @Test func dataMustBePrefixedEvenHex() throws {
        #expect(try RPCQuantity.data(.string("0x")) == [])
        #expect(try RPCQuantity.data(.string("0x0aff")) == [0x0A, 0xFF])
        for bad in ["0x0", "0aff", "0xzz"] {
            #expect(throws: RPCValueError.self) { try RPCQuantity.data(.string(bad)) }
        }
        #expect(throws: RPCValueError.self) { try RPCQuantity.data(.string("0x00"), count: 32) }
    }

    @Test func backoffDoublesUpToItsCapWithJitter() {
        let backoff = RetryBackoff(base: .milliseconds(100), cap: .seconds(1))
        var generator = SplitMix64(seed: 7)
        for retry in 1...80 {
            let ceiling = min(Duration.milliseconds(100) * (1 << min(retry - 1, 20)), .seconds(1))
            let delay = backoff.delay(retry: retry, random: generator.next())
            #expect(delay >= ceiling / 2 && delay <= ceiling, "retry \(retry): \(delay)")
        }
        #expect(backoff.delay(retry: 1, random: 0) == .milliseconds(50))
        #expect(backoff.delay(retry: Int.max, random: .max) <= .seconds(1))
    }

    @Test(arguments: [
        ("https://user:secret@rpc.example.org/v3/KEY?x=1", "https://rpc.example.org"),
        ("http://127.0.0.1:8545", "http://127.0.0.1:8545"),
        ("https://rpc.example.org:443/path#frag", "https://rpc.example.org:443"),
    ])
    func endpointNamesHideCredentials(url: String, name: String) {
        #expect(RPCEndpoint(url: url).name == name)
    }

    @Test func poolRoundRobinsAndDemotes() {
        var pool = RPCEndpointPool(count: 3, demoteAfter: 2, coolDown: .seconds(10))
        let now = ContinuousClock.now
        #expect([0, 1, 2, 0].map { _ in pool.next(at: now, tried: [], excluded: []) } == [0, 1, 2, 0])
        pool.recordFailure(1, at: now)
        #expect(pool.isHealthy(1, at: now))
        pool.recordFailure(1, at: now)
        #expect(!pool.isHealthy(1, at: now))
        #expect([1, 2, 3].map { _ in pool.next(at: now, tried: [], excluded: []) } == [2, 0, 2])
        #expect(pool.isHealthy(1, at: now + .seconds(11)))
        pool.recordSuccess(1)
        #expect(pool.isHealthy(1, at: now))
    }

    @Test func poolFailsOverToUntriedThenDemotedEndpoints() {
        var pool = RPCEndpointPool(count: 2, demoteAfter: 1, coolDown: .seconds(10))
        let now = ContinuousClock.now
        #expect(pool.next(at: now, tried: [0], excluded: []) == 1)
        #expect(pool.next(at: now, tried: [0, 1], excluded: []) == 0)
        #expect(pool.next(at: now, tried: [], excluded: [0, 1]) == nil)
        pool.recordFailure(0, at: now)
        pool.recordFailure(1, at: now + .seconds(1))
        // Everything demoted: the one whose cool-down ends first still serves.
        #expect(pool.next(at: now, tried: [], excluded: []) == 0)
    }

    @Test func poolDemotesAtOnceOnAVerificationFailure() {
        var pool = RPCEndpointPool(count: 2, demoteAfter: 3, coolDown: .seconds(10))
        let now = ContinuousClock.now
        pool.demote(0, at: now)
        #expect(!pool.isHealthy(0, at: now) && pool.isHealthy(0, at: now + .seconds(11)))
        #expect([1, 2].map { _ in pool.next(at: now, tried: [], excluded: []) } == [1, 1])
        // After the cool-down, one more failure demotes it again.
        pool.recordFailure(0, at: now + .seconds(11))
        #expect(!pool.isHealthy(0, at: now + .seconds(12)))
    }

    @Test func feeHistoryIsReadStrictly() throws {
        let json = try JSONValue.parse(
            #"{"oldestBlock":"0x10","baseFeePerGas":["0x7","0x8","0x9"],"gasUsedRatio":[0.5,0.25],"#
                + #""reward":[["0x1","0x2"],["0x3","0x4"]]}"#)
        let history = try FeeHistory(json: json)
        #expect(
            history.oldestBlock == 16 && history.baseFeePerGas == [7, 8, 9] && history.gasUsedRatio == [0.5, 0.25])
        #expect(history.reward == [[1, 2], [3, 4]])
        let bad = try JSONValue.parse(#"{"oldestBlock":"0x10","baseFeePerGas":["0x07"],"gasUsedRatio":[]}"#)
        #expect(throws: RPCValueError("quantity has leading zeros")) { try FeeHistory(json: bad) }
    }
}
