import Foundation
import LightClient
import System
import Testing

/// The Cortensor bindings' ABI data against the router notes (§4.2–§4.3 of
/// ../shared/mission/official-router-notes.md) and against the data files they are embedded from.
@Suite struct CortensorABITests {
    /// Selectors the notes list for the functions a router and a miner call.
    static let selectors: [(contract: String, signature: String, selector: String)] = [
        ("SessionV2", "submit(uint256,uint256,string,uint256,string,uint256[],string)", "17748e1a"),
        ("SessionV2", "submit(uint256,uint256,string,uint256,string,uint256[],uint256[],string)", "a00ffe19"),
        (
            "SessionV2",
            "create(string,string,address,uint256,uint256,uint256,uint256,uint256,bool,uint256,uint256,uint256,uint256)",
            "ce16934c"
        ),
        ("SessionV2", "addRouter(uint256,address,string)", "0b0bd8c0"),
        ("SessionV2", "updateRouter(uint256,address,string)", "274f232d"),
        ("SessionQueueV2", "ack(uint256,uint256)", "faa073f8"),
        ("SessionQueueV2", "precommit(uint256,uint256,bytes32,string)", "b9c52716"),
        ("SessionQueueV2", "commit(uint256,uint256,string)", "27a4e2fb"),
    ]

    /// Event topics as the notes print them: in full, or as `head…tail` where the notes abbreviate.
    static let topics: [(contract: String, signature: String, topic: String)] = [
        (
            "SessionV2", "SessionCreated(uint256,bytes32,address,address[])",
            "bff5885e03349f65507311e51531784ea9ad237d7754719432ccb4bd8bde13cc"
        ),
        (
            "SessionV2", "TaskSubmitted(uint256,uint256,string,string)",
            "72e3e2354501c92abe1653f5e2aeee210ec15a2df8382ab48becc1080e2350b3"
        ),
        (
            "SessionV2", "TaskAssigned(uint256,uint256,bytes32[])",
            "21f02feb5035b7c0538b01793c014163a737a991e4f71936d0563adfa2649559"
        ),
        // The notes print d5a9247e…6a7bdd71: the 32-bit head agrees, the tail has a typo (…1a7bdd71, as eth-utils
        // computes it too).
        (
            "SessionV2", "NewNodeAssignedToSession(uint256,address[],uint256,uint256)",
            "d5a9247ea34e40b1fa9f160c083de8201dceed8d5f80288a77778d4b1a7bdd71"
        ),
        ("SessionV2", "RouterAdded(address,string)", "7ee503b6…bcec96"),
        ("SessionV2", "RouterUpdated(address,string)", "47acbfdf…e92158"),
        (
            "SessionQueueV2", "TaskQueued(uint256,uint256,uint256,string)",
            "10f95083d68484d4bcc379f2d8862d4d42b707b785c008befa5e3d9bb5bc32ec"
        ),
        (
            "SessionQueueV2", "TaskAssigned(uint256,uint256,address[])",
            "887800a5bcce5554967a92fd264714fb5582635073bb968138fbb451573b2b71"
        ),
        (
            "SessionQueueV2", "TaskAcked(uint256,uint256,address)",
            "c886bf8ee49a6a4088f1a6850c629130a68c560f1403932d9727b48c4eeb3783"
        ),
        (
            "SessionQueueV2", "TaskPrecommitted(uint256,uint256,address)",
            "914c0e81aed8011a40a22a818078d77611039eb71e856d37682e74cf5a2156fc"
        ),
        (
            "SessionQueueV2", "TaskAllPrecommitted(uint256,uint256,address[])",
            "7fd331dd38fb99606dbdd51afaff8247fb62b94b45c2ee5f2ad60fc980d52fd7"
        ),
        (
            "SessionQueueV2", "TaskPrecommitEnded(uint256,uint256)",
            "035921fbe1efec449bb078d352acf3bc885e5accabddae40580df6ca6885952e"
        ),
        (
            "SessionQueueV2", "TaskCommitted(uint256,uint256,address)",
            "dff0907185cc430232f4b6ced4c09a7ce93622b2b11d7b1252c045511e690e2b"
        ),
        (
            "SessionQueueV2", "TaskAllCommitted(uint256,uint256,address[])",
            "f1c4dc13c0ba51ca533021aec3fde1f91b88365aeaf400bf8db7fbc92bfdb019"
        ),
        (
            "SessionQueueV2", "TaskCommitEnded(uint256,uint256)",
            "4a13acdb324983df19e812ba3e2fabc5d1bce7b23a4c88ff5c4ac02b88f2239c"
        ),
        (
            "SessionQueueV2", "TaskEnded(uint256,uint256,address[])",
            "694fcbbe329a287f11b98406b312c0df6acf72c5a79f560f49682395d9bad4b9"
        ),
    ]

    static func abi(_ contract: String) -> ContractABI {
        contract == "SessionV2" ? SessionV2.abi : SessionQueueV2.abi
    }

    @Test(arguments: selectors)
    func selectorMatchesTheNotes(contract: String, signature: String, selector: String) throws {
        let function = try #require(Self.abi(contract).function(signature: signature), "\(contract) lacks \(signature)")
        #expect(Hex.encode(function.function.selector, prefixed: false) == selector)
    }

    @Test(arguments: topics)
    func topicMatchesTheNotes(contract: String, signature: String, topic: String) throws {
        let event = try #require(
            Self.abi(contract).events.first { $0.canonicalSignature == signature }, "\(contract) lacks \(signature)")
        let found = Hex.encode(event.topic, prefixed: false)
        let parts = topic.split(separator: "…")
        #expect(found.hasPrefix(parts[0]) && found.hasSuffix(parts.last!), "\(signature): \(found)")
        if parts.count == 1 { #expect(found == topic) }
    }

    @Test func eachEventOfTheNotesIsBoundAndNothingElse() {
        let bound = Set((SessionV2.abi.events + SessionQueueV2.abi.events).map(\.canonicalSignature))
        #expect(bound == Set(Self.topics.map(\.signature)))
    }

    /// The Swift literals scripts/embed-abi writes must be the JSON files, byte for byte.
    @Test(arguments: ["SessionV2", "SessionQueueV2"])
    func embeddedABIMatchesTheDataFile(name: String) throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/LightClient/Cortensor/ABI/\(name).json")
        let text = try String(contentsOf: file, encoding: .utf8)
        let fromFile = try ContractABI(json: text)
        #expect(fromFile == Self.abi(name))
        let generated = try String(
            contentsOf: file.deletingLastPathComponent().appendingPathComponent("../ContractABI+Embedded.swift"),
            encoding: .utf8)
        let indented = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .map { $0.isEmpty ? "" : "        " + $0 }.joined(separator: "\n")
        #expect(generated.contains("\"\(name)\": #\"\"\"\n" + indented + "\n        \"\"\"#,"), "run scripts/embed-abi")
    }

    @Test func tupleOutputsAreSpelledOutFromTheirComponents() throws {
        let getSession = try #require(SessionV2.abi.function(signature: "getSession(uint256)"))
        #expect(
            getSession.outputs.map(\.description) == [
                "(uint256,bytes32,string,string,uint8,uint256,uint256,address,address[],address[],uint256,uint256,"
                    + "uint256,uint256,uint256,string[],address[],uint256,uint256,uint256,uint256)"
            ])
        let getTask = try #require(SessionQueueV2.abi.function(signature: "getTask(uint256,uint256)"))
        #expect(
            getTask.outputs.map(\.description) == [
                "(uint256,uint256,uint256,string,address[],bool,uint8,uint256,uint256,uint256,uint256)"
            ])
        #expect(SessionV2.abi.function(named: "submit") == nil, "submit is overloaded")
    }

    @Test(arguments: [
        ("{}", ContractABIError.notAnArray),
        ("[", .invalidJSON("")),
        (#"[{"type": "function", "inputs": [], "outputs": []}]"#, .invalidEntry(index: 0, reason: "")),
        (
            #"[{"type": "function", "name": "f", "inputs": [{"type": "uint7"}], "outputs": []}]"#,
            .invalidEntry(index: 0, reason: "")
        ),
        (#"[{"type": "event", "name": "E", "inputs": [{"type": "tuple"}]}]"#, .invalidEntry(index: 0, reason: "")),
    ])
    func malformedABIIsRejected(text: String, expected: ContractABIError) {
        let error = #expect(throws: ContractABIError.self) { try ContractABI(json: text) }
        switch (error, expected) {
        case (.notAnArray?, .notAnArray), (.invalidJSON?, .invalidJSON), (.invalidEntry(0, _)?, .invalidEntry):
            break
        default:
            Issue.record("expected \(expected), found \(String(describing: error))")
        }
    }

    @Test func routerMetadataHasTheDualFormat() {
        let dual = RouterMetadata(rest: "https://edge.example:443", webSocket: "wss://edge.example:9001")
        #expect(dual.encoded == "https://edge.example:443;wss://edge.example:9001")
        #expect(RouterMetadata(parsing: dual.encoded) == dual)
        #expect(RouterMetadata(parsing: "http://10.0.0.2:5010") == RouterMetadata(rest: "http://10.0.0.2:5010"))
        #expect(RouterMetadata(parsing: "http://a;").webSocket == nil)
    }

    @Test func submitPicksTheFormByRequestParams() throws {
        var submission = TaskSubmission(
            sessionID: 7, taskData: "bafkreiexample", llmParams: [128, 70, 100, 40, 100, 0, 0], clientReference: "ref")
        #expect(try SessionV2.submitCalldata(submission).prefix(4) == [0x17, 0x74, 0x8E, 0x1A])
        submission.requestParams = [90, 0, 0, 0, 0, 0]
        #expect(try SessionV2.submitCalldata(submission).prefix(4) == [0xA0, 0x0F, 0xFE, 0x19])
    }
}
