import JSON

/// Polls `eth_getLogs` for a filter in bounded, confirmed block ranges and hands each range to an idempotent async
/// handler, at least once: the cursor (in SQLite) only moves after the handler returned. Reorganizations are
/// noticed by parent hashes and rewound (see `LogWatchState`). Transient RPC failures are retried after a poll
/// interval. Cancelling the task that runs `run` stops it cleanly between steps.
public struct LogWatcher: Sendable {
    /// What to watch and how.
    public struct Configuration: Sendable {
        /// The cursor's name in the store; one per watched filter.
        public var name: String
        /// Emitting contracts (empty: any).
        public var addresses: [Address]
        /// Topic alternatives per position, as in `LogFilter`.
        public var topics: [[[UInt8]]?]
        /// Where a watcher without a saved cursor starts.
        public var startBlock: UInt64
        /// Confirmations, range width, kept hashes.
        public var settings: LogWatchState.Settings
        /// The pause when no confirmed block is left to scan, or after a failed request.
        public var pollInterval: Duration
        /// Consecutive failed requests after which `run` throws the last failure; `nil`: retry forever.
        public var maxConsecutiveFailures: Int?

        /// Creates a configuration.
        public init(
            name: String, addresses: [Address], topics: [[[UInt8]]?] = [], startBlock: UInt64,
            settings: LogWatchState.Settings = .init(), pollInterval: Duration = .seconds(4),
            maxConsecutiveFailures: Int? = nil
        ) {
            (self.name, self.addresses, self.topics, self.startBlock) = (name, addresses, topics, startBlock)
            (self.settings, self.pollInterval) = (settings, pollInterval)
            self.maxConsecutiveFailures = maxConsecutiveFailures
        }
    }

    /// The chain's client.
    public let client: JSONRPCClient
    /// Where the cursor is kept.
    public let store: LogCursorStore
    /// What to watch.
    public let configuration: Configuration

    /// A watcher reading through `client` and saving its cursor in `store`.
    public init(client: JSONRPCClient, store: LogCursorStore, configuration: Configuration) {
        (self.client, self.store, self.configuration) = (client, store, configuration)
    }

    /// Runs until cancelled (then returns), a handler error (rethrown; the range is delivered again on the next
    /// run), a store error, a `LogWatchError`, or `maxConsecutiveFailures` failed requests (`JSONRPCError`).
    public func run(handler: @Sendable (LogWatchEvent) async throws -> Void) async throws {
        let saved = try store.load(configuration.name)
        var state = LogWatchState(
            cursor: saved ?? LogWatchCursor(nextBlock: configuration.startBlock), settings: configuration.settings)
        var action = state.start()
        var failures = 0
        while !Task.isCancelled {
            switch action {
            case .waitForBlocks:
                do { try await Task.sleep(for: configuration.pollInterval) } catch { return }
                action = state.start()
            case .deliver(let event):
                if !event.isEmptyBatch {
                    do {
                        try await handler(event)
                    } catch {
                        guard Task.isCancelled else { throw error }
                        return  // Cancelled mid-delivery: the cursor stays, the event comes again next run.
                    }
                }
                action = state.handled()
                try store.save(state.cursor, as: configuration.name)
            case .fail(let error):
                throw error
            default:
                do throws(JSONRPCError) {
                    action = try await perform(action, on: &state)
                    failures = 0
                } catch .cancelled {
                    return
                } catch {
                    failures += 1
                    if let limit = configuration.maxConsecutiveFailures, failures >= limit { throw error }
                    action = state.requestFailed()
                }
            }
        }
    }

    /// Performs a fetching action and feeds its outcome to `state`.
    private func perform(
        _ action: LogWatchState.Action, on state: inout LogWatchState
    ) async throws(JSONRPCError) -> LogWatchState.Action {
        switch action {
        case .fetchHead:
            return state.headReceived(try await client.blockNumber())
        case .fetchBlocks(let first, let last):
            let firstLink = try await blockLink(first)
            let lastLink = first == last ? firstLink : try await blockLink(last)
            return state.blocksReceived(first: firstLink, last: lastLink)
        case .fetchBlock(let number):
            return state.ancestorReceived(try await blockLink(number))
        case .fetchLogs(let first, let last):
            do throws(JSONRPCError) {
                return state.logsReceived(try await logs(first, last))
            } catch {
                guard LogRangeLimit.isRangeTooLarge(error) else { throw error }
                return state.rangeTooLarge()
            }
        case .waitForBlocks, .deliver, .fail:
            preconditionFailure("not a fetching action")
        }
    }

    /// Block `number`'s link to its parent, `nil` if the node does not have the block.
    private func blockLink(_ number: UInt64) async throws(JSONRPCError) -> BlockLink? {
        try await client.request("eth_getBlockByNumber", [BlockTag.number(number).json, .bool(false)]) {
            (value) throws(RPCValueError) -> BlockLink? in
            if value.isNull { return nil }
            guard let object = value.objectValue else { throw RPCValueError("block is not an object") }
            return try BlockLink(untrustedBlock: object)
        }
    }

    /// The filter's logs in blocks `first...last`, parsed strictly.
    private func logs(_ first: UInt64, _ last: UInt64) async throws(JSONRPCError) -> [WatchedLog] {
        let filter = LogFilter(
            fromBlock: .number(first), toBlock: .number(last), addresses: configuration.addresses,
            topics: configuration.topics)
        return try await client.request("eth_getLogs", [filter.json]) {
            (value) throws(RPCValueError) -> [WatchedLog] in
            guard let array = value.arrayValue else { throw RPCValueError("logs are not an array") }
            return try array.map { (log) throws(RPCValueError) -> WatchedLog in
                guard let object = log.objectValue else { throw RPCValueError("a log is not an object") }
                return try WatchedLog(untrustedLog: object)
            }
        }
    }
}
