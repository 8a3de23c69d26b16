import JSON

/// A block the endpoint asked does not know (a null result).
private struct MissingBlock: Error {}

extension VerifiedReader {
    /// Runs `attempt` on one endpoint after another, in the pool's order, until one returns data that verifies.
    /// A `VerificationError` demotes that endpoint and is recorded; an endpoint error moves on.
    func firstVerified<Value>(
        block: BlockReference, _ attempt: (Int) async throws -> Value
    ) async throws(VerifiedReadError) -> Value {
        var asked: Set<Int> = []
        var rejected: [VerificationFailure] = []
        var errors: [JSONRPCError] = []
        var missing = 0
        while let index = client.pick(tried: [], excluded: asked) {
            asked.insert(index)
            do {
                return try await attempt(index)
            } catch let error as VerificationError {
                rejected.append(reject(index, block: block, error))
            } catch let error as JSONRPCError {
                errors.append(error)
            } catch is MissingBlock {
                missing += 1
            } catch {
                errors.append(.cancelled)
            }
        }
        if missing > 0 && rejected.isEmpty && errors.isEmpty { throw .blockNotFound(block) }
        throw .allEndpointsFailed(rejected: rejected, errors: errors)
    }

    /// Block `number` from every endpoint at once; accepted when `needed` endpoints report the same verified hash.
    /// Endpoints that sent a header not hashing to its hash, or another block than the quorum's, are demoted.
    func quorumHeader(_ number: UInt64, needed: Int) async throws(VerifiedReadError) -> BlockHeader {
        let answers = await eachEndpoint { (index) in try await self.fetchHeader(number, on: index) }
        var votes: [(index: Int, header: BlockHeader, hash: [UInt8])] = []
        for (index, answer) in answers.enumerated() {
            switch answer {
            case .success(let header): votes.append((index, header, header.hash))
            case .failure(let error as VerificationError): reject(index, block: BlockReference(number: number), error)
            case .failure: continue
            }
        }
        guard !votes.isEmpty || !answers.allSatisfy(Self.isMissing) else {
            throw .blockNotFound(BlockReference(number: number))
        }
        let outcome: HeaderQuorum.Outcome
        do throws(VerificationError) {
            outcome = try HeaderQuorum.verify(
                number: number, answers: votes.map { (client.endpoints[$0.index].name, $0.hash) }, needed: needed)
        } catch {
            throw .noQuorum(error)
        }
        for vote in votes where vote.hash != outcome.hash {
            reject(
                vote.index, block: BlockReference(number: number, hash: vote.hash),
                .headerHashMismatch(expected: outcome.hash, found: vote.hash))
        }
        return votes.first { $0.hash == outcome.hash }!.header
    }

    /// Block `number`'s header from endpoint `index`, hashing to its claimed hash unless the mode is `none`.
    func fetchHeader(_ number: UInt64, on index: Int) async throws -> BlockHeader {
        guard let json = try await client.block(.number(number), onEndpoint: index) else { throw MissingBlock() }
        let untrusted = try UntrustedBlockHeader(json: json)
        if case .none = mode { return untrusted.fields }
        let header = try untrusted.verify()
        guard header.number == number else {
            throw VerificationError.wrongBlock(expected: BlockReference(number: number), found: header.id)
        }
        return header
    }

    /// The header of block `hash` from endpoint `index`, hashing to `hash` unless the mode is `none`.
    func fetchHeader(hash: [UInt8], on index: Int) async throws -> BlockHeader {
        guard let json = try await client.block(hash: hash, onEndpoint: index) else { throw MissingBlock() }
        let untrusted = try UntrustedBlockHeader(json: json)
        if case .none = mode { return untrusted.fields }
        return try untrusted.verify(expectedHash: hash)
    }

    /// The receipts of `header`'s block from endpoint `index`: `eth_getBlockReceipts`, or per transaction when the
    /// endpoint lacks that method.
    func receipts(of header: BlockHeader, on index: Int) async throws -> [JSONValue] {
        let hash = header.hash
        do {
            guard let receipts = try await client.blockReceipts(hash: hash, onEndpoint: index) else {
                throw MissingBlock()
            }
            return receipts
        } catch let error as JSONRPCError where error.isMethodNotFound {
            guard let block = try await client.block(hash: hash, onEndpoint: index) else { throw MissingBlock() }
            let hashes = try UntrustedFields(block).dataArray(
                "transactions", maxCount: ReceiptsVerification.maxTransactions, maxBytes: 32)
            var receipts: [JSONValue] = []
            for transaction in hashes {
                guard let receipt = try await client.transactionReceipt(hash: transaction, onEndpoint: index) else {
                    throw MissingBlock()
                }
                receipts.append(receipt)
            }
            return receipts
        }
    }

    /// Runs `read` on every endpoint concurrently; the outcomes in endpoint order.
    func eachEndpoint<Value: Sendable>(
        _ read: @escaping @Sendable (Int) async throws -> Value
    ) async -> [Result<Value, any Error>] {
        await withTaskGroup(of: (Int, Result<Value, any Error>).self) { group in
            for index in client.endpoints.indices {
                group.addTask {
                    do { return (index, .success(try await read(index))) } catch { return (index, .failure(error)) }
                }
            }
            var results = [Result<Value, any Error>?](repeating: nil, count: client.endpoints.count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }

    /// Demotes endpoint `index` and records why.
    @discardableResult
    func reject(_ index: Int, block: BlockReference, _ reason: VerificationError) -> VerificationFailure {
        let failure = VerificationFailure(endpoint: client.endpoints[index].name, block: block, reason: reason)
        client.demote(index)
        record(failure)
        return failure
    }

    private static func isMissing(_ result: Result<BlockHeader, any Error>) -> Bool {
        if case .failure(let error) = result { return error is MissingBlock }
        return false
    }
}

extension JSONRPCError {
    /// Whether the node said it lacks the method (JSON-RPC -32601), possibly inside a one-attempt failure list.
    var isMethodNotFound: Bool {
        switch self {
        case .rpc(let code, _, _): code == -32601
        case .allEndpointsFailed(let failures): failures.count == 1 && failures[0].isMethodNotFound
        default: false
        }
    }
}
