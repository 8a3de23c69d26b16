import Cache
import HTTPClient
import Synchronization

/// Fetches blocks missing from the local store from trustless gateways (`GET /ipfs/{cid}?format=raw`), verifies
/// each against its CID before storing it, and remembers recent misses for a short while. A gateway that sends
/// wrong bytes is skipped for that block; nothing it sends reaches a client unverified.
final class UpstreamFetcher: Sendable {
    private let gateways: [String]
    private let client: HTTPClient
    private let blocks: BlockStore
    private let timeout: Duration
    private let negativeTTL: Duration
    private let maximumConcurrentFetches: Int
    private let misses = Mutex<[CID: ContinuousClock.Instant]>([:])
    private static let maximumRememberedMisses = 4096

    init(
        gateways: [String], client: HTTPClient, blocks: BlockStore, timeout: Duration = .seconds(20),
        negativeTTL: Duration = .seconds(30), maximumConcurrentFetches: Int = 8
    ) {
        self.gateways = gateways.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.client = client
        self.blocks = blocks
        self.timeout = timeout
        self.negativeTTL = negativeTTL
        self.maximumConcurrentFetches = maximumConcurrentFetches
    }

    /// Whether any gateway is configured.
    var isEnabled: Bool { !gateways.isEmpty }

    /// Makes `cid` local if a gateway has it; returns whether it is now stored.
    func fetch(_ cid: CID) async -> Bool {
        if (try? blocks.has(cid)) == true { return true }
        if isRecentMiss(cid) { return false }
        for gateway in gateways {
            guard let block = await download(cid, from: gateway) else { continue }
            // put verifies the bytes against the CID: a lying gateway's block is refused here.
            if (try? blocks.put(block, as: cid)) != nil { return true }
        }
        misses.withLock { misses in
            misses[cid] = .now
            // Bounded: when it grows past its cap, the expired entries go (all of them if none expired).
            if misses.count > Self.maximumRememberedMisses {
                let now = ContinuousClock.now
                misses = misses.filter { now - $0.value < negativeTTL }
                if misses.count > Self.maximumRememberedMisses { misses.removeAll() }
            }
        }
        return false
    }

    /// Fetches whatever the DAG under `root` lacks, a level at a time with bounded concurrency. Returns the CIDs
    /// still missing.
    func fillDAG(_ root: CID) async -> [CID] {
        var frontier = [root]
        var seen = Set<[UInt8]>()
        var stillMissing: [CID] = []
        while !frontier.isEmpty {
            let level = frontier.filter { seen.insert($0.multihash.bytes).inserted }
            let fetched = await fetchAll(level)
            frontier = []
            for (cid, present) in zip(level, fetched) {
                guard present else {
                    stillMissing.append(cid)
                    continue
                }
                guard DAGLinks.mayHaveLinks(cid), let block = try? blocks.get(cid),
                    let links = try? DAGLinks.links(of: cid, block: block)
                else { continue }
                frontier += links
            }
        }
        return stillMissing
    }

    /// `fetch` for each CID, at most `maximumConcurrentFetches` at once; results in order.
    private func fetchAll(_ cids: [CID]) async -> [Bool] {
        var results = [Bool](repeating: false, count: cids.count)
        var start = 0
        while start < cids.count {
            let batch = Array(cids[start..<min(start + maximumConcurrentFetches, cids.count)])
            await withTaskGroup(of: (Int, Bool).self) { group in
                for (offset, cid) in batch.enumerated() {
                    group.addTask { (offset, await self.fetch(cid)) }
                }
                for await (offset, present) in group { results[start + offset] = present }
            }
            start += batch.count
        }
        return results
    }

    private func download(_ cid: CID, from gateway: String) async -> [UInt8]? {
        let request = HTTPClientRequest(
            method: "GET", url: "\(gateway)/ipfs/\(cid)?format=raw",
            headers: [("Accept", "application/vnd.ipld.raw")],
            timeouts: HTTPTimeouts(connect: .seconds(5), total: timeout))
        guard let (head, body) = try? await client.execute(request, maxBodyBytes: blocks.settings.maxBlockBytes),
            head.status == 200
        else { return nil }
        return body
    }

    private func isRecentMiss(_ cid: CID) -> Bool {
        misses.withLock { misses in
            guard let when = misses[cid] else { return false }
            if ContinuousClock.now - when < negativeTTL { return true }
            misses[cid] = nil
            return false
        }
    }
}
