import LightClient
import System
import TestSupport
import Testing

/// The bindings' encodings and decodings against PyPI's eth-abi (Fixtures/reference.py) on random inputs: submit
/// calldata in both forms, the session and task tuples, and the logs a router reads.
@Suite struct CortensorCrossCheckTests {
    static func randomText(_ generator: inout SplitMix64) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789 é✓/:")
        return String((0..<Int(generator.next() % 90)).map { _ in alphabet[Int(generator.next() % 40)] })
    }

    static func randomUInt(_ generator: inout SplitMix64) -> UInt256 {
        generator.next() % 2 == 0
            ? UInt256(generator.next() % 1000)
            : UInt256(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next())
    }

    static func randomAddress(_ generator: inout SplitMix64) -> Address {
        Address(bytes: (0..<20).map { _ in UInt8(truncatingIfNeeded: generator.next()) })!
    }

    static func randomSubmission(_ generator: inout SplitMix64) -> TaskSubmission {
        TaskSubmission(
            sessionID: randomUInt(&generator), nodeType: UInt256(generator.next() % 3),
            taskData: randomText(&generator),
            promptType: UInt256(generator.next() % 3), promptTemplate: randomText(&generator),
            llmParams: (0..<7).map { _ in randomUInt(&generator) },
            requestParams: generator.next() % 2 == 0 ? nil : (0..<6).map { _ in randomUInt(&generator) },
            clientReference: randomText(&generator))
    }

    /// Asks eth-abi to encode `values` as `types` and to decode `encoded`; checks both against ours.
    static func crossCheck(_ cases: [(types: [ABIType], values: [ABIValue], encoded: [UInt8])]) async throws {
        let request = cases.map { types, values, encoded -> [String: Any] in
            [
                "types": types.map(\.description), "values": values.map(CrossCheckTests.tagged),
                "encoded": Hex.encode(encoded, prefixed: false),
            ]
        }
        let answer = try await ReferencePython.ask(["abi": request])
        let results = try #require(answer["abi"] as? [[String: Any]])
        try #require(results.count == cases.count)
        for (testCase, result) in zip(cases, results) {
            #expect(result["encoded"] as? String == Hex.encode(testCase.encoded, prefixed: false))
            #expect(result["decoded"] as? String == CrossCheckTests.canonical(.array(testCase.values)))
        }
    }

    @Test func submitCalldataAgainstEthABI() async throws {
        var generator = SplitMix64(seed: 41)
        var cases: [(types: [ABIType], values: [ABIValue], encoded: [UInt8])] = []
        for _ in 0..<60 {
            let submission = Self.randomSubmission(&generator)
            let function = submission.requestParams == nil ? SessionV2.submit7 : SessionV2.submit8
            let calldata = try SessionV2.submitCalldata(submission)
            #expect(Array(calldata.prefix(4)) == function.function.selector)
            let values = try function.function.decodeCall(calldata)
            cases.append((function.function.inputs, values, Array(calldata.dropFirst(4))))
            #expect(values[2] == .string(submission.taskData))
            #expect(values.last == .string(submission.clientReference))
        }
        try await Self.crossCheck(cases)
    }

    static func randomSessionTuple(_ generator: inout SplitMix64) -> ABIValue {
        func uint() -> ABIValue { .uint(randomUInt(&generator)) }
        func addresses() -> ABIValue {
            .array((0..<Int(generator.next() % 4)).map { _ in .address(randomAddress(&generator)) })
        }
        let routers = Int(generator.next() % 3)
        let word = ABIValue.fixedBytes((0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        return .tuple(
            [
                uint(), word, .string(randomText(&generator)), .string(randomText(&generator)),
                .uint(UInt256(generator.next() % 256)), uint(), uint(), .address(randomAddress(&generator)),
                addresses(),
                addresses(), uint(), uint(), uint(), uint(), uint(),
                .array((0..<routers).map { _ in .string(randomText(&generator)) }),
                .array((0..<routers).map { _ in .address(randomAddress(&generator)) }), uint(), uint(), uint(), uint(),
            ])
    }

    @Test func sessionTupleAgainstEthABI() async throws {
        var generator = SplitMix64(seed: 42)
        let types = SessionV2.getSession.outputs
        var cases: [(types: [ABIType], values: [ABIValue], encoded: [UInt8])] = []
        for _ in 0..<40 {
            let values = [Self.randomSessionTuple(&generator)]
            cases.append((types, values, try ABI.encode(values, as: types)))
        }
        try await Self.crossCheck(cases)
        for testCase in cases {
            let decoded = try SessionV2.getSession.decodeOutput(testCase.encoded)
            #expect(decoded == testCase.values)
        }
    }

    @Test func taskSubmittedLogFromEthABI() async throws {
        var generator = SplitMix64(seed: 43)
        let event = try #require(SessionV2.abi.event(named: "TaskSubmitted"))
        var cases: [(types: [ABIType], values: [ABIValue], encoded: [UInt8])] = []
        for _ in 0..<40 {
            let values: [ABIValue] = [
                .uint(Self.randomUInt(&generator)), .uint(Self.randomUInt(&generator)),
                .string(Self.randomText(&generator)), .string(Self.randomText(&generator)),
            ]
            cases.append(
                (event.parameters.map(\.type), values, try ABI.encode(values, as: event.parameters.map(\.type))))
        }
        try await Self.crossCheck(cases)
        for testCase in cases {
            let log = ContractLog(address: .zero, topics: [event.topic], data: testCase.encoded)
            guard case .taskSubmitted(let sessionID, let taskID, let data, let reference)? = try SessionV2.event(log)
            else {
                Issue.record("not decoded as TaskSubmitted")
                continue
            }
            #expect([ABIValue.uint(sessionID), .uint(taskID), .string(data), .string(reference)] == testCase.values)
        }
    }

    @Test func queueLogsDecodeByStep() throws {
        let miner = try Address(parsing: "0x" + String(repeating: "ab", count: 20))
        let acked = try #require(SessionQueueV2.abi.event(named: "TaskAcked"))
        let ended = try #require(SessionQueueV2.abi.event(named: "TaskCommitEnded"))
        let ackData = try ABI.encode(
            [.uint(3), .uint(9), .address(miner)], as: [.uint(bits: 256), .uint(bits: 256), .address])
        #expect(
            try SessionQueueV2.event(ContractLog(address: .zero, topics: [acked.topic], data: ackData))
                == .task(.acked, sessionID: 3, taskID: 9, miners: [miner]))
        let endData = try ABI.encode([.uint(3), .uint(9)], as: [.uint(bits: 256), .uint(bits: 256)])
        #expect(
            try SessionQueueV2.event(ContractLog(address: .zero, topics: [ended.topic], data: endData))
                == .task(.commitEnded, sessionID: 3, taskID: 9, miners: []))
        // Another contract's event is not ours; a truncated log is an ABI error, not a crash.
        #expect(
            try SessionQueueV2.event(ContractLog(address: .zero, topics: [[UInt8](repeating: 1, count: 32)], data: []))
                == nil)
        #expect(throws: ContractError.abi(.truncated(offset: 0, needed: 96))) {
            try SessionQueueV2.event(
                ContractLog(address: .zero, topics: [acked.topic], data: Array(ackData.prefix(64))))
        }
    }
}
