import Cache
import HTTPServer
import JSON

/// kubo's `version`, `id`, `block/*`, `pin/verify` and `repo/*` reads over the local block store.
extension KuboReadRoutes {
    /// The kubo RPC release whose argument names and answers these routes follow.
    static let kuboRPCVersion = "0.32.1"

    /// `version`: ours, honestly, with the kubo RPC release we follow in `KuboRPC`.
    func version(_ request: Request) async throws(APIError) -> Response {
        _ = try KuboArguments(request, verb: "version", supported: ["number", "commit", "repo", "all"])
        return .json(
            200,
            [
                "Version": .string(RouterInfo.version), "Commit": "", "Repo": "", "System": .string(Self.system),
                "Golang": "", "Agent": .string("cortensor-edge/\(RouterInfo.version)"),
                "KuboRPC": .string(Self.kuboRPCVersion),
            ])
    }

    /// `id`: this node has no libp2p identity; the answer says so with empty fields and our agent. Another peer
    /// (`arg`), `format` and `peerid-base` are unsupported arguments.
    func identity(_ request: Request) async throws(APIError) -> Response {
        _ = try KuboArguments(request, verb: "id", supported: [])
        return .json(
            200,
            [
                "ID": "", "PublicKey": "", "Addresses": [],
                "AgentVersion": .string("cortensor-edge/\(RouterInfo.version)"), "Protocols": [],
            ])
    }

    /// `block/get`: one block's bytes.
    func blockGet(_ request: Request) async throws(APIError) -> Response {
        let arguments = try KuboArguments(request, verb: "block/get", supported: ["arg"])
        let cid = try KuboArguments.cid(try arguments.argument())
        try await requireLocal(cid, fetcher: try fetcher(arguments))
        guard let block = try read({ try blocks.get(cid) }) else { throw Self.notFound(cid, upstream: false) }
        return .bytes(200, contentType: "application/octet-stream", block)
    }

    /// `block/stat`: `{"Key","Size"}`.
    func blockStat(_ request: Request) async throws(APIError) -> Response {
        let arguments = try KuboArguments(request, verb: "block/stat", supported: ["arg"])
        let cid = try KuboArguments.cid(try arguments.argument())
        try await requireLocal(cid, fetcher: try fetcher(arguments))
        guard let size = try read({ try blocks.size(of: cid) }) else { throw Self.notFound(cid, upstream: false) }
        return .json(200, ["Key": .string(cid.description), "Size": .int(Int64(size))])
    }

    /// `block/rm`: one `{"Hash","Error"}` line per argument; a pinned block stays, a missing one is an error
    /// unless `force`.
    func blockRemove(_ request: Request) async throws(APIError) -> Response {
        let arguments = try KuboArguments(request, verb: "block/rm", supported: ["arg", "force", "quiet"])
        let force = try arguments.bool("force", default: false)
        let quiet = try arguments.bool("quiet", default: false)
        let cids = try arguments.arguments().map { text throws(APIError) in try KuboArguments.cid(text) }
        var lines: [UInt8] = []
        for cid in cids {
            var problem = ""
            do {
                if try !blocks.delete(cid), !force { problem = "ipld: could not find \(cid)" }
            } catch .pinned {
                problem = "pinned: cannot remove a pinned block"
            } catch {
                throw Self.failure("block/rm: \(error)")
            }
            guard !quiet || !problem.isEmpty else { continue }
            let line: JSONValue = ["Hash": .string(cid.description), "Error": .string(problem)]
            line.serialize(into: &lines)
            lines.append(0x0A)
        }
        return .bytes(200, contentType: "application/json", lines)
    }

    /// `pin/verify`: each pin's DAG walked and every block re-hashed; broken pins (and, with `verbose`, sound
    /// ones) as `{"Cid","Ok","BadNodes"}` lines, streamed a pin at a time.
    func pinVerify(_ request: Request) async throws(APIError) -> Response {
        let arguments = try KuboArguments(request, verb: "pin/verify", supported: ["verbose", "quiet"])
        let verbose = try arguments.bool("verbose", default: false)
        _ = try arguments.bool("quiet", default: false)
        let blocks = self.blocks
        let pins = try read { try blocks.pins() }
        return .stream(200, contentType: "application/json") { writer in
            for pin in pins {
                let bad = try PinVerifier(blocks: blocks).badNodes(pin.cid, recursive: pin.recursive)
                guard verbose || !bad.isEmpty else { continue }
                var line: JSONObject = ["Cid": .string(pin.cid.description), "Ok": .bool(bad.isEmpty)]
                if !bad.isEmpty {
                    line["BadNodes"] = .array(
                        bad.map { ["Cid": .string($0.cid.description), "Err": .string($0.problem)] })
                }
                var bytes: [UInt8] = []
                JSONValue.object(line).serialize(into: &bytes)
                try await writer.write(bytes + [0x0A])
            }
        }
    }

    /// `repo/stat`: the block store's totals (`StorageMax` is the quota, 0 when there is none).
    func repoStat(_ request: Request) async throws(APIError) -> Response {
        let arguments = try KuboArguments(request, verb: "repo/stat", supported: ["size-only", "human"])
        let sizeOnly = try arguments.bool("size-only", default: false)
        _ = try arguments.bool("human", default: false)
        let stats = try read { try blocks.stats() }
        var answer: JSONObject = ["RepoSize": .int(stats.bytes), "StorageMax": .int(stats.quotaBytes ?? 0)]
        if !sizeOnly {
            answer["NumObjects"] = .int(stats.blocks)
            answer["RepoPath"] = ""
            answer["Version"] = .string("cortensor-edge/\(RouterInfo.version)")
        }
        return .json(200, .object(answer))
    }

    /// `repo/gc`: every unpinned block removed. The store does not list what it removed, so the answer is one
    /// summary line (`{"Removed","Bytes"}`) rather than kubo's line per key.
    func repoGC(_ request: Request) async throws(APIError) -> Response {
        let arguments = try KuboArguments(request, verb: "repo/gc", supported: ["quiet", "silent", "stream-errors"])
        let silent = try arguments.bool("silent", default: false)
        _ = try arguments.bool("quiet", default: false)
        _ = try arguments.bool("stream-errors", default: false)
        let collection = try read { try blocks.collectGarbage(downTo: 0) }
        guard !silent else { return .bytes(200, contentType: "application/json", []) }
        var line: [UInt8] = []
        let summary: JSONValue = [
            "Removed": .int(Int64(collection.removedBlocks)), "Bytes": .int(collection.removedBytes),
        ]
        summary.serialize(into: &line)
        return .bytes(200, contentType: "application/json", line + [0x0A])
    }

    private static var system: String {
        #if arch(x86_64)
            "amd64/linux"
        #elseif arch(arm64)
            "arm64/linux"
        #else
            "unknown/linux"
        #endif
    }
}

/// Walks a pinned DAG and names the blocks that are missing or do not match their CID.
struct PinVerifier {
    let blocks: BlockStore

    /// The bad blocks under `root` (only `root` itself for a direct pin), each with its problem.
    func badNodes(_ root: CID, recursive: Bool) throws -> [(cid: CID, problem: String)] {
        var bad: [(cid: CID, problem: String)] = []
        var pending = [root]
        var seen = Set<[UInt8]>()
        while let cid = pending.popLast() {
            guard seen.insert(cid.multihash.bytes).inserted else { continue }
            guard let block = try blocks.get(cid) else {
                bad.append((cid, "block was not found locally"))
                continue
            }
            guard cid.multihash.matches(block) else {
                bad.append((cid, "the stored bytes do not match the CID"))
                continue
            }
            guard recursive, DAGLinks.mayHaveLinks(cid) else { continue }
            do { pending += try DAGLinks.links(of: cid, block: block).reversed() } catch {
                bad.append((cid, "\(error)"))
            }
        }
        return bad
    }
}
