import HTTPClient
import LightClient
import Testing

/// Verified reads against a real EVM: py-evm behind Fixtures/evm_rpc_server.py --activity (a contract 0x44…44 with
/// slots 2 = 7 and 3 = 0x1234 at genesis; block 1 calls it four times, storing 100, 101, 102 and 200 in slot 1 and
/// logging each; block 2 is empty; block 3 stores 300). Endpoints under /lie-… paths lie, and must be caught.
@Suite struct VerifiedReadEVMTests {
    static let emitter = try! Address(parsing: "0x" + String(repeating: "44", count: 20))
    static let stranger = try! Address(parsing: "0x" + String(repeating: "55", count: 20))

    /// A reader over endpoints at `paths` of the fixture, each named by its path.
    static func reader(_ paths: [String], mode: VerificationMode = .proofs(confirmations: 0)) throws -> VerifiedReader {
        let server = try RPCTestServer.evmActivity.get()
        let endpoints = paths.map { RPCEndpoint(url: "http://127.0.0.1:\(server.port)/\($0)", name: $0) }
        return VerifiedReader(client: server.client(endpoints, maxAttempts: 1), mode: mode)
    }

    @Test func headersFromGenesisToHeadHashAndChain() async throws {
        let reader = try Self.reader(["honest"])
        var headers: [BlockHeader] = []
        for number in 0...3 { headers.append(try await reader.header(UInt64(number))) }
        try HeaderChain.verifyLinks(headers)
        // py-evm runs Prague: every fork field is there and hashed.
        #expect(headers[3].requestsHash != nil && headers[3].parentBeaconBlockRoot != nil)
        #expect(try await reader.confirmedHeader() == headers[3])
        #expect(reader.failures.isEmpty)
    }

    @Test func storageAndAccountsAreProvenAgainstTheStateRoot() async throws {
        let reader = try Self.reader(["honest"])
        let head = try await reader.header(3)
        let account = try await reader.account(Self.emitter, slots: [1, 2, 3, 9], at: head)
        #expect(account.storage == [1: 300, 2: 7, 3: 0x1234, 9: 0])
        #expect(account.codeHash != UntrustedAccountProof.emptyCodeHash)
        let atGenesis = try await reader.account(Self.emitter, slots: [1], at: try await reader.header(0))
        #expect(atGenesis.storage == [1: 0])
        // An account that does not exist is proven absent: the empty account.
        let absent = try await reader.account(Self.stranger, slots: [1], at: head)
        #expect(absent.nonce == 0 && absent.balance == .zero && absent.storage == [1: 0])
        #expect(absent.storageRoot == MerklePatriciaTrie.emptyRootHash)
    }

    @Test(arguments: ["honest", "no-block-receipts"])
    func logsAreProvenByTheReceiptsRoot(_ path: String) async throws {
        let reader = try Self.reader([path])
        let block = try await reader.header(1)
        let logs = try await reader.logs(in: block)
        #expect(logs.map { UInt256(bigEndianBytes: $0.data) } == [100, 101, 102, 200])
        #expect(logs.map(\.transactionIndex) == [0, 1, 2, 3])
        #expect(logs.allSatisfy { $0.address == Self.emitter && $0.block == block.id })
        #expect(try await reader.logs(in: try await reader.header(2)).isEmpty)
    }

    @Test func aTamperedStorageProofIsCaughtAndItsEndpointDemoted() async throws {
        let head = try await Self.reader(["honest"]).header(3)
        let reader = try Self.reader(["lie-storage", "honest"])  // The liar is asked first.
        let account = try await reader.account(Self.emitter, slots: [2], at: head)
        #expect(account.storage == [2: 7])
        let failure = try #require(reader.failures.first)
        #expect(failure.endpoint == "lie-storage" && failure.block == head.id)
        #expect(failure.reason == .storageMismatch(slot: 2, expected: 7, found: 8))
        #expect(reader.client.healthyEndpoints == ["honest"])
    }

    @Test func anAlteredLogIsCaughtAndItsEndpointDemoted() async throws {
        let block = try await Self.reader(["honest"]).header(1)
        let reader = try Self.reader(["lie-log", "honest"])  // The liar is asked first.
        let logs = try await reader.logs(in: block)
        #expect(logs.count == 4)
        let failure = try #require(reader.failures.first)
        #expect(failure.endpoint == "lie-log" && failure.block == block.id)
        guard case .receiptsRootMismatch(let expected, let found) = failure.reason else {
            Issue.record("unexpected \(failure.reason)")
            return
        }
        #expect(expected == block.receiptsRoot && found != expected)
        #expect(reader.client.healthyEndpoints == ["honest"])
    }

    @Test func aHeaderNotMatchingItsHashIsCaughtAndItsEndpointDemoted() async throws {
        let reader = try Self.reader(["lie-hash", "honest"])
        let header = try await reader.header(2)
        let failure = try #require(reader.failures.first)
        #expect(failure.endpoint == "lie-hash" && failure.block == BlockReference(number: 2))
        guard case .headerHashMismatch(let expected, let found) = failure.reason else {
            Issue.record("unexpected \(failure.reason)")
            return
        }
        #expect(expected == header.hash && found != expected)
        #expect(reader.client.healthyEndpoints == ["honest"])
    }

    @Test func aForgedButSelfConsistentHeaderLosesTheQuorum() async throws {
        let reader = try Self.reader(["lie-fork", "honest", "honest-too"], mode: .quorum(2, confirmations: 1))
        let header = try await reader.confirmedHeader()
        #expect(header.number == 2)
        let failure = try #require(reader.failures.first)
        #expect(failure.endpoint == "lie-fork")
        guard case .headerHashMismatch(let expected, let found) = failure.reason else {
            Issue.record("unexpected \(failure.reason)")
            return
        }
        #expect(expected == header.hash && found != expected && failure.block == BlockReference(number: 2, hash: found))
        #expect(reader.client.healthyEndpoints == ["honest", "honest-too"])
    }

    @Test func withoutAQuorumNothingIsAccepted() async throws {
        let reader = try Self.reader(["lie-fork", "honest"], mode: .quorum(2, confirmations: 0))
        await #expect {
            try await reader.header(3)
        } throws: { error in
            guard case VerifiedReadError.noQuorum(.noQuorum(let number, let needed, let votes)) = error else {
                return false
            }
            return number == 3 && needed == 2 && votes.count == 2
        }
    }

    @Test func underNoneNothingIsChecked() async throws {
        let reader = try Self.reader(["lie-storage"], mode: .none)
        let account = try await reader.account(Self.emitter, slots: [2], at: try await reader.header(3))
        #expect(account.storage == [2: 8])
        #expect(reader.failures.isEmpty)
    }

    @Test func connectMakesAReaderWithTheChainsMode() async throws {
        let server = try RPCTestServer.evmActivity.get()
        let config = ChainConfig(
            name: "evm", chainID: 1337,
            endpoints: [
                RPCEndpoint(url: "http://127.0.0.1:\(server.port)/a", name: "a"),
                RPCEndpoint(url: "http://127.0.0.1:\(server.port)/b", name: "b"),
            ], verify: .quorum(2, confirmations: 1))
        let chain = try await config.connect(http: server.http)
        #expect(chain.reader.mode == .quorum(2, confirmations: 1))
        #expect(try await chain.reader.confirmedHeader().number == 2)
    }
}

extension VerifiedReadEVMTests {
    @Test func ancestorsAreFetchedByParentHashAndChain() async throws {
        let reader = try Self.reader(["honest"])
        let head = try await reader.header(3)
        let ancestors = try await reader.ancestors(of: head, count: 5)
        #expect(ancestors.map(\.number) == [0, 1, 2])
        try HeaderChain.verifyLinks(ancestors + [head])
        #expect(try await reader.header(hash: ancestors[1].hash) == ancestors[1])
    }

    @Test func aBlockByHashThatHashesOtherwiseIsCaught() async throws {
        let honest = try await Self.reader(["honest"]).header(2)
        let reader = try Self.reader(["lie-hash", "honest"])
        #expect(try await reader.header(hash: honest.hash) == honest)
        let failure = try #require(reader.failures.first)
        #expect(failure.endpoint == "lie-hash" && failure.block == BlockReference(hash: honest.hash))
        guard case .headerHashMismatch(let expected, _) = failure.reason else {
            Issue.record("unexpected \(failure.reason)")
            return
        }
        #expect(expected == honest.hash)
    }

    @Test func anUnknownBlockIsNotFound() async throws {
        let reader = try Self.reader(["honest"])
        let unknown = [UInt8](repeating: 0x99, count: 32)
        await #expect(throws: VerifiedReadError.blockNotFound(BlockReference(hash: unknown))) {
            try await reader.header(hash: unknown)
        }
        await #expect(throws: VerifiedReadError.blockNotFound(BlockReference(number: 99))) {
            try await reader.header(99)
        }
    }
}
