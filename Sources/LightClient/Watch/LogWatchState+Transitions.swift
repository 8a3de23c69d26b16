extension LogWatchState {
    /// The range's end blocks arrived (`nil`: the node does not have that block, e.g. the chain just got shorter).
    public mutating func blocksReceived(first: BlockLink?, last: BlockLink?) -> Action {
        guard case .fetchingBlocks(let from, let to) = phase else { preconditionFailure("no blocks were asked for") }
        guard let first, let last, first.block.number == from, last.block.number == to else {
            return requestFailed()
        }
        if from > 0, let kept = cursor.hash(of: from - 1), kept != first.parentHash {
            return startAncestorSearch()
        }
        phase = .fetchingLogs(first: first, last: last)
        return .fetchLogs(first: from, last: to)
    }

    /// The node refused the range as too large (too many results, or a range limit): halve it and try again.
    public mutating func rangeTooLarge() -> Action {
        guard case .fetchingLogs(let first, let last) = phase else { preconditionFailure("no logs were asked for") }
        let width = last.block.number - first.block.number + 1
        guard width > 1 else { return .fail(.rangeCannotShrink(block: first.block.number)) }
        range = width / 2
        return nextRange()
    }

    /// The logs of the range arrived. Logs of the end blocks must carry their hashes, and logs of one block one
    /// hash; otherwise the chain moved between the requests and the range is fetched again.
    public mutating func logsReceived(_ logs: [WatchedLog]) -> Action {
        guard case .fetchingLogs(let first, let last) = phase else { preconditionFailure("no logs were asked for") }
        var seen: [UInt64: [UInt8]] = [:]
        seen[first.block.number] = first.block.hash
        seen[last.block.number] = last.block.hash
        for log in logs {
            let number = log.block.number
            guard number >= first.block.number && number <= last.block.number else {
                return .fail(.logOutsideRange(first: first.block.number, last: last.block.number, found: number))
            }
            if let expected = seen[number], expected != log.block.hash {
                inconsistentAttempts += 1
                guard inconsistentAttempts < settings.maxInconsistentAttempts else {
                    return .fail(.inconsistentLogs(block: number, expected: expected, found: log.block.hash))
                }
                return nextRange()
            }
            seen[number] = log.block.hash
        }
        inconsistentAttempts = 0
        let ordered = logs.sorted { ($0.block.number, $0.logIndex) < ($1.block.number, $1.logIndex) }
        let event = LogWatchEvent.logs(LogBatch(first: first.block, last: last.block, logs: ordered))
        phase = .delivering(event)
        return .deliver(event)
    }

    /// The handler returned for the event of the last `.deliver`: the cursor moves past it.
    public mutating func handled() -> Action {
        guard case .delivering(let event) = phase else { preconditionFailure("nothing was delivered") }
        switch event {
        case .logs(let batch):
            cursor.nextBlock = batch.last.number + 1
            cursor.remember([batch.first, batch.last] + batch.logs.map(\.block), limit: settings.keptBlocks)
            range = min(settings.maxRange, range * 2)
        case .rewound:
            // The cursor moved when the ancestor was found; now the handler knows. The new branch's head is next.
            phase = .idle
            return .fetchHead
        }
        return nextRange()
    }

    private mutating func startAncestorSearch() -> Action {
        phase = .searchingAncestor(candidates: cursor.recentBlocks)
        return nextCandidate()
    }

    /// Block `number` of the ancestor search arrived (`nil`: the node does not have it).
    public mutating func ancestorReceived(_ block: BlockLink?) -> Action {
        guard case .searchingAncestor(var candidates) = phase, let candidate = candidates.popLast() else {
            preconditionFailure("no ancestor search is under way")
        }
        guard let block, block.block == candidate else {
            phase = .searchingAncestor(candidates: candidates)
            return nextCandidate()
        }
        cursor.forget(above: candidate.number)
        cursor.nextBlock = candidate.number + 1
        confirmedHead = nil  // Ask for the head again: the new branch's length is unknown.
        let event = LogWatchEvent.rewound(fromBlock: candidate.number + 1)
        phase = .delivering(event)
        return .deliver(event)
    }

    private mutating func nextCandidate() -> Action {
        guard case .searchingAncestor(let candidates) = phase, let candidate = candidates.last else {
            return .fail(.reorgBeyondKeptBlocks(oldestKept: cursor.recentBlocks.first?.number))
        }
        return .fetchBlock(candidate.number)
    }
}
