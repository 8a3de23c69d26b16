import Cache
import HTTPServer
import JSON

/// The read half of kubo's RPC (`POST /api/v0/…`): `cat`, `get`, `ls`, `dag/get`, `dag/export` here, the block,
/// pin and repo verbs in `KuboReadRoutes+Blocks.swift`. Blocks missing here follow the gateway's rules (verified
/// upstream fetch when configured and `offline` is not set, else a "not found locally" 404); file bytes, tars
/// and CARs stream a window or a block at a time, as the gateway's do. Every call needs an API key.
struct KuboReadRoutes: Sendable {
    let gateway: IPFSGatewayRoutes
    var blocks: BlockStore { gateway.blocks }

    typealias Handler = @Sendable (Request) async throws(APIError) -> Response

    var routes: [(method: String, route: EdgeGateway.Route)] {
        let handlers: [(String, Handler)] = [
            ("cat", cat), ("get", get), ("ls", list), ("dag/get", dagGet), ("dag/export", dagExport),
            ("version", version), ("id", identity), ("block/get", blockGet), ("block/stat", blockStat),
            ("block/rm", blockRemove), ("pin/verify", pinVerify), ("repo/stat", repoStat), ("repo/gc", repoGC),
        ]
        return handlers.map { verb, handler in
            (
                "POST",
                EdgeGateway.Route(pattern: "/api/v0/" + verb, flavor: .kubo) { request, _ throws(APIError) in
                    try await handler(request)
                }
            )
        }
    }

    /// `cat`: a UnixFS file's bytes, from `offset`, at most `length` of them.
    private func cat(_ request: Request) async throws(APIError) -> Response {
        let arguments = try KuboArguments(request, verb: "cat", supported: ["arg", "offset", "length", "progress"])
        try arguments.require("progress", toBe: false, "no progress bar over HTTP")
        let cid = try await resolve(try arguments.argument(), arguments)
        let size = try read { () throws -> UInt64 in
            let root = try blocks.get(cid)
            guard let root, IPFSGatewayRoutes.isUnixFSFile(cid, root) else { throw KuboReadError.notAFile(cid) }
            return try UnixFSReader { try blocks.get($0) }.fileSize(of: cid)
        }
        let start = min(try arguments.count("offset") ?? 0, size)
        let (sum, overflow) = start.addingReportingOverflow(try arguments.count("length") ?? size)
        let end = overflow ? size : min(sum, size)
        var response = IPFSGatewayRoutes.fileBody(
            cid, range: Int(clamping: start)..<Int(clamping: max(start, end)), blocks: blocks, status: 200)
        response.headers.replaceOrAdd(name: "Content-Type", value: "text/plain")
        response.headers.add(name: "X-Stream-Output", value: "1")
        return response
    }

    /// `get`: the DAG under `arg` as a tar (kubo's `archive` is always on over HTTP; `compress` is not done).
    private func get(_ request: Request) async throws(APIError) -> Response {
        let arguments = try KuboArguments(
            request, verb: "get", supported: ["arg", "output", "archive", "compress", "compression-level", "progress"])
        try arguments.require("compress", toBe: false, "gzip output is not implemented")
        try arguments.require("progress", toBe: false, "no progress bar over HTTP")
        _ = try arguments.bool("archive", default: true)
        if let level = request.queryValue("compression-level"), level != "-1", level != "0" {
            throw KuboArguments.badRequest("get: unsupported argument 'compression-level=\(level.prefix(16))'")
        }
        let text = try arguments.argument()
        let cid = try await resolve(text, arguments)
        _ = try read { try UnixFSTar.entry(cid, blocks: blocks) }  // a clean error before any byte is sent
        let name = text.split(separator: "/").last.map(String.init) ?? cid.description
        let tar = UnixFSTar(blocks: blocks)
        var response = Response.stream(200, contentType: "application/x-tar") { writer in
            try await tar.write(root: cid, name: name, to: writer)
        }
        response.headers.add(name: "X-Stream-Output", value: "1")
        return response
    }

    /// `ls`: the entries of each directory argument (`{"Objects":[{"Hash","Links":[…]}]}`); a file has none.
    private func list(_ request: Request) async throws(APIError) -> Response {
        let arguments = try KuboArguments(
            request, verb: "ls", supported: ["arg", "headers", "resolve-type", "size", "stream"])
        _ = try arguments.bool("headers", default: false)
        try arguments.require("resolve-type", toBe: true, "link types are always resolved")
        try arguments.require("stream", toBe: false, "entries are sent in one answer")
        let withSize = try arguments.bool("size", default: true)
        var objects: [JSONValue] = []
        for text in try arguments.arguments() {
            let cid = try await resolve(text, arguments)
            let links = try read { () throws -> [JSONValue] in
                guard case .directory(let links) = try UnixFSTar.entry(cid, blocks: blocks) else { return [] }
                return try links.map { link throws -> JSONValue in try lsLink(link, withSize: withSize) }
            }
            objects.append(["Hash": .string(text), "Links": .array(links)])
        }
        return .json(200, ["Objects": .array(objects)])
    }

    private func lsLink(_ link: DagPBNode.Link, withSize: Bool) throws -> JSONValue {
        let (type, size): (Int64, UInt64)
        do {
            switch try UnixFSTar.entry(link.cid, blocks: blocks) {
            case .file(let bytes): (type, size) = (2, bytes)
            case .directory: (type, size) = (1, 0)
            case .symlink: (type, size) = (4, 0)
            }
        } catch KuboReadError.shardedDirectory {
            (type, size) = (1, 0)  // listed as the directory it is; reading it is what is not done yet
        }
        return [
            "Name": .string(link.name ?? ""), "Hash": .string(link.cid.description),
            "Size": .int(withSize ? Int64(clamping: size) : 0), "Type": .int(type), "Target": "",
        ]
    }

    /// `dag/get`: the node at `arg` in `output-codec` (dag-json by default).
    private func dagGet(_ request: Request) async throws(APIError) -> Response {
        let arguments = try KuboArguments(request, verb: "dag/get", supported: ["arg", "output-codec"])
        let codec = request.queryValue("output-codec") ?? "dag-json"
        let cid = try await resolve(try arguments.argument(), arguments, fillingDAG: false)
        let block = try read { () throws -> [UInt8] in
            guard let block = try blocks.get(cid) else { throw UnixFSError.missingBlock(cid) }
            return block
        }
        switch codec {
        case "dag-json":
            let json = try read { try DagJSONView.encode(block, codec: cid.codec) }
            return .bytes(200, contentType: "application/json", json)
        case cid.codec.description where cid.codec != .dagPB:
            return .bytes(200, contentType: "application/octet-stream", block)
        default:
            throw KuboArguments.badRequest(
                "dag/get: unsupported output-codec '\(codec.prefix(32))' for a \(cid.codec) node (dag-json, or the "
                    + "node's own codec)")
        }
    }

    /// `dag/export`: the DAG under `arg` as a CAR v1, depth first, each block once.
    private func dagExport(_ request: Request) async throws(APIError) -> Response {
        let arguments = try KuboArguments(request, verb: "dag/export", supported: ["arg", "progress"])
        try arguments.require("progress", toBe: false, "no progress bar over HTTP")
        let cid = try await resolve(try arguments.argument(), arguments)
        return try gateway.carResponse(cid, options: GatewayRequest.CAROptions(), traversed: [])
    }

    // MARK: Shared

    /// The upstream fetcher this call may use: none when `offline` or when no gateway is configured.
    func fetcher(_ arguments: KuboArguments) throws(APIError) -> UpstreamFetcher? {
        guard try arguments.allowsNetwork, let upstream = gateway.upstream, upstream.isEnabled else { return nil }
        return upstream
    }

    /// The CID `text` names, its root made local (fetched upstream if allowed) and, unless `fillingDAG` is
    /// false, the DAG below it fetched too; 404 when the root is not here.
    func resolve(_ text: String, _ arguments: KuboArguments, fillingDAG: Bool = true) async throws(APIError) -> CID {
        let (root, names) = try KuboArguments.path(text)
        let fetcher = try fetcher(arguments)
        try await requireLocal(root, fetcher: fetcher)
        let (cid, _) = try await gateway.resolve(root, path: names.joined(separator: "/"), fetcher: fetcher)
        if let fetcher {
            if fillingDAG { _ = await fetcher.fillDAG(cid) } else { _ = await fetcher.fetch(cid) }
        }
        return cid
    }

    /// Throws kubo's "not found locally" (404) unless `cid` is here or a fetcher brings it.
    func requireLocal(_ cid: CID, fetcher: UpstreamFetcher?) async throws(APIError) {
        if (try? blocks.has(cid)) == true { return }
        if let fetcher, await fetcher.fetch(cid) { return }
        throw Self.notFound(cid, upstream: fetcher != nil)
    }

    /// Runs a read of the store, mapping its errors to kubo's: a missing block 404, what we do not read 501.
    func read<T>(_ body: () throws -> T) throws(APIError) -> T {
        do { return try body() } catch let error as UnixFSError {
            if case .missingBlock(let cid) = error { throw Self.notFound(cid, upstream: false) }
            throw Self.failure("\(error)")
        } catch let error as KuboReadError {
            throw Self.failure("\(error)", status: error.status)
        } catch let error as APIError {
            throw error
        } catch {
            throw Self.failure("\(error)")
        }
    }

    static func notFound(_ cid: CID, upstream: Bool) -> APIError {
        APIError(
            status: 404, code: "not_found",
            message: upstream
                ? "block \(cid) is not here and no upstream gateway has it"
                : "block was not found locally (offline): ipld: could not find \(cid)")
    }

    static func failure(_ message: String, status: Int = 500) -> APIError {
        APIError(status: status, code: "error", message: message)
    }
}
