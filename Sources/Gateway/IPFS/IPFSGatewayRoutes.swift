import Cache
import HTTPServer
import System

/// The IPFS trustless gateway (`GET`/`HEAD /ipfs/{cid}`): raw blocks, CAR streams and plain file bytes from the
/// local block store. Reads need no key (web pages embed CIDs); every response is immutable.
struct IPFSGatewayRoutes: Sendable {
    let blocks: BlockStore
    /// Fills local misses from trustless gateways, if any are configured.
    var upstream: UpstreamFetcher?

    /// The routes, for the public listener.
    var routes: [(method: String, route: EdgeGateway.Route)] {
        ["/ipfs/{cid}", "/ipfs/{cid}/{path...}"].map { pattern in
            (
                "GET",
                EdgeGateway.Route(
                    pattern: pattern, flavor: .plain, requiresKey: false,
                    inline: { request, parameters throws(APIError) in
                        try self.respondInline(to: request, cidText: parameters["cid"] ?? "", path: parameters["path"])
                    }
                ) { request, parameters throws(APIError) in
                    try await self.respond(to: request, cidText: parameters["cid"] ?? "", path: parameters["path"])
                }
            )
        }
    }

    private static let immutable = "public, max-age=29030400, immutable"

    /// The answer from the local store alone, without waiting: a raw block by CID (`?format=raw`, or the bytes of
    /// a raw-codec CID as a file) that is stored here, or a bad request. Nil when `respond` must run: a path, a
    /// CAR, a dag-pb file, or a block that may have to come from upstream.
    func respondInline(to request: Request, cidText: String, path: String?) throws(APIError) -> Response? {
        guard path == nil else { return nil }
        let wanted = try GatewayRequest(cidText: cidText, request: request)
        switch wanted.format {
        case .raw:
            guard let block = try? blocks.get(wanted.cid) else { return nil }
            return try rawBlockResponse(block, cid: wanted.cid, cidText: cidText, request: request)
        case .file where wanted.cid.codec == .raw:
            guard (try? blocks.has(wanted.cid)) == true else { return nil }
            do {
                return finished(
                    try fileResponse(wanted.cid, request: request), request: request, etag: "\"\(wanted.cid)\"",
                    cidText: cidText, path: nil, roots: [wanted.cid])
            } catch {
                guard error.status == 404 else { throw error }
                return nil  // collected since the check: upstream may have it
            }
        case .file, .car:
            return nil
        }
    }

    func respond(to request: Request, cidText: String, path: String?) async throws(APIError) -> Response {
        let wanted = try GatewayRequest(cidText: cidText, request: request)
        let onlyIfCached = request.hasCacheControl(["only-if-cached"])
        let fetcher = onlyIfCached ? nil : upstream.flatMap { $0.isEnabled ? $0 : nil }
        // The common case, a raw block asked for by CID, costs one read.
        if wanted.format == .raw, path == nil, let block = try? blocks.get(wanted.cid) {
            return try rawBlockResponse(block, cid: wanted.cid, cidText: cidText, request: request)
        }
        var isLocal = try isLocal(wanted.cid)
        if !isLocal, let fetcher { isLocal = await fetcher.fetch(wanted.cid) }
        guard isLocal else {
            if onlyIfCached {
                throw APIError(status: 412, code: "not_cached", message: "\(wanted.cid) is not in this node's store")
            }
            throw APIError(status: 404, code: "not_found", message: "\(wanted.cid) is not here or upstream")
        }
        let (cid, traversed) = try await resolve(wanted.cid, path: path, fetcher: fetcher)
        if let fetcher, wanted.format != .raw {
            _ = await fetcher.fillDAG(cid)  // what is still missing shows when the response is built
        }
        var response: Response
        let etag: String
        switch wanted.format {
        case .raw:
            etag = "\"\(cid).raw\""
            response = try rawResponse(try block(cid), name: cid.description, request: request)
        case .car(let options):
            etag = "\"\(cid).car.\(options.scope.rawValue).\(options.duplicates ? "y" : "n")\(Self.bytesTag(options))\""
            response = try carResponse(cid, options: options, traversed: traversed)
            response.headers.add(name: "Content-Disposition", value: disposition(request, "attachment", "\(cid).car"))
        case .file:
            etag = "\"\(cid)\""
            response = try fileResponse(cid, request: request)
        }
        return finished(response, request: request, etag: etag, cidText: cidText, path: path, roots: traversed + [cid])
    }

    /// A stored raw block asked for by CID, with every header (the CID printed once).
    private func rawBlockResponse(
        _ block: [UInt8], cid: CID, cidText: String, request: Request
    ) throws(APIError) -> Response {
        let name = cid.description
        return finished(
            try rawResponse(block, name: name, request: request), request: request, etag: "\"\(name).raw\"",
            cidText: cidText, path: nil, rootsText: name)
    }

    /// The immutable-content headers every answer carries, or 304 when the client has this version.
    private func finished(
        _ response: Response, request: Request, etag: String, cidText: String, path: String?, roots: [CID]
    ) -> Response {
        finished(
            response, request: request, etag: etag, cidText: cidText, path: path,
            rootsText: roots.map(\.description).joined(separator: ","))
    }

    private func finished(
        _ response: Response, request: Request, etag: String, cidText: String, path: String?, rootsText: String
    ) -> Response {
        var response = response
        if let tags = request.headers["If-None-Match"], Self.matches(tags, etag: etag) {
            response = Response(status: 304, body: .bytes([]))
        }
        response.headers.add(name: "Etag", value: etag)
        // The same URL answers a file, a raw block or a CAR by Accept: a shared cache must key on it.
        response.headers.add(name: "Vary", value: "Accept")
        response.headers.add(name: "Cache-Control", value: Self.immutable)
        response.headers.add(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.add(name: "X-Ipfs-Path", value: "/ipfs/\(cidText)" + (path.map { "/" + $0 } ?? ""))
        response.headers.add(name: "X-Ipfs-Roots", value: rootsText)
        return response
    }

    /// Whether an `If-None-Match` list names `etag`: `*`, the tag itself, or its weak form (`W/"…"`; weak
    /// comparison, as RFC 9110 §13.1.2 asks of this header).
    static func matches(_ tags: String, etag: String) -> Bool {
        tags.split(separator: ",").contains { item in
            let tag = item.trimmingSpaces
            return tag == "*" || tag == etag || tag == "W/" + etag
        }
    }

    /// The CID a path below `root` names, and the directory nodes on the way; a directory node missing here is
    /// fetched upstream (once per step) before giving up.
    func resolve(_ root: CID, path: String?, fetcher: UpstreamFetcher?) async throws(APIError) -> (CID, [CID]) {
        guard let path, !path.isEmpty else { return (root, []) }
        let names = path.split(separator: "/").map(String.init)
        let blocks = self.blocks
        for _ in 0...names.count {
            do {
                let resolved = try UnixFSPath.resolve(root, path: names) { try blocks.get($0) }
                return (resolved.target, resolved.traversed)
            } catch .shardedDirectory(let cid) {
                throw APIError(
                    status: 501, code: "not_implemented", message: "\(cid) is a sharded directory; not resolved yet")
            } catch .notALink(let cid) {
                throw APIError(
                    status: 501, code: "not_implemented",
                    message: "the path ends inside \(cid) at a value that is not a link; only links are followed")
            } catch .unavailable(let cid, _) where fetcher != nil {
                guard await fetcher?.fetch(cid) == true else { break }
            } catch {
                throw APIError(
                    status: 404, code: "not_found", message: "cannot resolve /ipfs/\(root)/\(path): \(error)")
            }
        }
        throw APIError(
            status: 404, code: "not_found", message: "cannot resolve /ipfs/\(root)/\(path): a block is missing")
    }

    private func isLocal(_ cid: CID) throws(APIError) -> Bool {
        do { return try blocks.has(cid) } catch { throw Self.storeError(error) }
    }

    private func block(_ cid: CID) throws(APIError) -> [UInt8] {
        let data: [UInt8]?
        do { data = try blocks.get(cid) } catch { throw Self.storeError(error) }
        guard let data else {
            throw APIError(status: 404, code: "not_found", message: "\(cid) is not in this node's store")
        }
        return data
    }

    /// A raw block (or the range asked for), as an attachment; `name` is its CID's text.
    private func rawResponse(_ block: [UInt8], name: String, request: Request) throws(APIError) -> Response {
        var response: Response
        if let range = try ByteRange.requested(by: request, length: block.count) {
            response = .bytes(206, contentType: "application/vnd.ipld.raw", Array(block[range]))
            response.headers.add(name: "Content-Range", value: ByteRange.contentRange(range, of: block.count))
        } else {
            response = .bytes(200, contentType: "application/vnd.ipld.raw", block)
        }
        response.headers.add(name: "Content-Disposition", value: disposition(request, "attachment", "\(name).bin"))
        response.headers.add(name: "Accept-Ranges", value: "bytes")
        return response
    }

    /// A CAR streamed block by block: the order is planned first (reading only linking nodes), then each block
    /// is fetched and written, so memory stays at one block whatever the DAG's size.
    func carResponse(
        _ cid: CID, options: GatewayRequest.CAROptions, traversed: [CID]
    ) throws(APIError) -> Response {
        let blocks = self.blocks
        let plan: [CID]
        // The directory nodes on the path come first, so a client can verify the path too.
        do { plan = try traversed + Self.carPlan(cid, options: options, blocks: blocks) } catch {
            throw APIError(status: 502, code: "incomplete_dag", message: "cannot walk \(cid): \(error)")
        }
        return .stream(200, contentType: options.contentType) { writer in
            try await writer.write(CARFormat.header(roots: [cid]))
            for entry in plan {
                guard let block = try blocks.get(entry) else { throw UnixFSError.missingBlock(entry) }
                try await writer.write(CARFormat.section(cid: entry, block: block))
            }
        }
    }

    /// The blocks of the CAR for `options.scope`, in depth-first order.
    static func carPlan(_ root: CID, options: GatewayRequest.CAROptions, blocks: BlockStore) throws -> [CID] {
        let fetch: (CID) throws -> [UInt8]? = { try blocks.get($0) }
        switch options.scope {
        case .all:
            return try CARExport.order(root: root, duplicates: options.duplicates, fetch: fetch)
        case .block:
            return [root]
        case .entity:
            guard let rootBlock = try fetch(root) else { throw UnixFSError.missingBlock(root) }
            // Not a file (a directory, dag-cbor, …): the entity is its root block.
            guard Self.isUnixFSFile(root, rootBlock) else { return [root] }
            var plan: [CID] = []
            var seen = Set<[UInt8]>()
            let reader = UnixFSReader(source: fetch) { cid, _ in
                if seen.insert(cid.multihash.bytes).inserted || options.duplicates { plan.append(cid) }
            }
            let range = try options.entityBytes.map { GatewayRequest.range($0, size: try reader.fileSize(of: root)) }
            try reader.visitBlocks(root, range: range)
            return plan
        }
    }

    private func fileResponse(_ cid: CID, request: Request) throws(APIError) -> Response {
        let root = try block(cid)
        guard Self.isUnixFSFile(cid, root) else {
            if cid.codec == .dagPB {
                throw APIError(
                    status: 501, code: "not_implemented",
                    message: "\(cid) is not a UnixFS file; directory listings are not served yet (use ?format=car)")
            }
            throw APIError(
                status: 406, code: "not_acceptable",
                message: "\(cid) is \(cid.codec), not a file: ask for ?format=raw or ?format=car")
        }
        let blocks = self.blocks
        let reader = UnixFSReader { try blocks.get($0) }
        let size: UInt64
        let head: [UInt8]
        do {
            size = try reader.fileSize(of: cid)
            head = try reader.bytes(of: cid, range: 0..<min(size, 512))
        } catch {
            throw APIError(status: 502, code: "incomplete_dag", message: "\(cid) cannot be read: \(error)")
        }
        let length = Int(clamping: size)
        let range = try ByteRange.requested(by: request, length: length)
        var response = Self.fileBody(cid, range: range ?? 0..<length, blocks: blocks, status: range == nil ? 200 : 206)
        response.headers.replaceOrAdd(name: "Content-Type", value: ContentSniffer.contentType(of: head[...]))
        if let range { response.headers.add(name: "Content-Range", value: ByteRange.contentRange(range, of: length)) }
        if request.queryValue("download") == "true" {
            response.headers.add(name: "Content-Disposition", value: disposition(request, "attachment", "\(cid)"))
        } else if let name = request.queryValue("filename") {
            response.headers.add(name: "Content-Disposition", value: disposition(request, "inline", name))
        }
        if response.headers["Accept-Ranges"] == nil { response.headers.add(name: "Accept-Ranges", value: "bytes") }
        return response
    }

    /// The bytes of `range`: in memory when small, else streamed a window at a time, so a large file never sits
    /// whole in memory (each window re-reads the few nodes above it).
    static func fileBody(_ cid: CID, range: Range<Int>, blocks: BlockStore, status: Int) -> Response {
        let window = 1 << 20
        let reader = UnixFSReader { try blocks.get($0) }
        if range.count <= window,
            let bytes = try? reader.bytes(of: cid, range: UInt64(range.lowerBound)..<UInt64(range.upperBound))
        {
            return .bytes(status, contentType: "application/octet-stream", bytes)
        }
        var response = Response.stream(status, contentType: "application/octet-stream") { writer in
            let reader = UnixFSReader { try blocks.get($0) }
            for start in stride(from: range.lowerBound, to: range.upperBound, by: window) {
                let end = min(start + window, range.upperBound)
                try await writer.write(try reader.bytes(of: cid, range: UInt64(start)..<UInt64(end)))
            }
        }
        response.headers.add(name: "Accept-Ranges", value: "bytes")
        return response
    }

    /// `kind; filename="…"` with the client's `filename` (quotes, backslashes and control characters dropped), or
    /// `defaultName` (a CID's text and an extension: nothing to drop). A non-ASCII name gets an ASCII fallback
    /// (`_` for each other character) and the exact name as `filename*=UTF-8''…` (RFC 6266, RFC 8187).
    private func disposition(_ request: Request, _ kind: String, _ defaultName: String) -> String {
        let name =
            request.queryValue("filename")?.unicodeScalars
            .filter { $0 != "\"" && $0 != "\\" && $0.value >= 0x20 && $0.value != 0x7F }
            .map(String.init).joined() ?? defaultName
        guard !name.unicodeScalars.allSatisfy(\.isASCII) else { return "\(kind); filename=\"\(name)\"" }
        let fallback = String(name.unicodeScalars.map { $0.isASCII ? Character($0) : "_" })
        return "\(kind); filename=\"\(fallback)\"; filename*=UTF-8''\(Self.percentEncoded(name))"
    }

    /// `text` as RFC 8187 `value-chars`: attr-chars as they are, every other UTF-8 byte as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.append(byte)
            case _ where "!#$&+-.^_`|~".utf8.contains(byte):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isUnixFSFile(_ cid: CID, _ block: [UInt8]) -> Bool {
        guard cid.codec == .dagPB else { return cid.codec == .raw }
        guard let node = try? DagPBNode(bytes: block), let unixfs = try? UnixFSData(bytes: node.data ?? []) else {
            return false
        }
        return unixfs.kind == .file || unixfs.kind == .raw
    }

    private static func bytesTag(_ options: GatewayRequest.CAROptions) -> String {
        guard let bytes = options.entityBytes else { return "" }
        return ".\(bytes.from):\(bytes.to.map(String.init) ?? "*")"
    }

    private static func storeError(_ error: BlockStoreError) -> APIError {
        APIError(status: 500, code: "store_error", message: "block store: \(error)")
    }
}

/// `Range: bytes=a-b`, `bytes=a-` or `bytes=-n` (one range; RFC 9110 §14.1.2).
enum ByteRange {
    /// The range the request's `Range` header asks of `length` bytes: nil without one, 416 when unsatisfiable.
    static func requested(by request: Request, length: Int) throws(APIError) -> Range<Int>? {
        // Several ranges would need a multipart answer: the Range header is ignored instead (RFC 9110 §14.2 allows
        // it), and the whole content is the answer.
        guard let header = request.headers["Range"], !header.contains(",") else { return nil }
        guard let range = parse(header, length: length) else {
            throw APIError(
                status: 416, code: "range_not_satisfiable", message: "cannot serve Range '\(header)'",
                headers: [.init(name: "Content-Range", value: "bytes */\(length)")])
        }
        return range
    }

    /// The `Content-Range` value of a 206 answer.
    static func contentRange(_ range: Range<Int>, of length: Int) -> String {
        "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(length)"
    }

    static func parse(_ header: String, length: Int) -> Range<Int>? {
        let text = header.trimmingSpaces
        guard text.hasPrefix("bytes="), !text.contains(",") else { return nil }
        let spec = text.dropFirst(6)
        guard let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash]
        let last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let suffix = Int(last), suffix > 0, length > 0 else { return nil }
            return max(length - suffix, 0)..<length
        }
        guard let start = Int(first), start >= 0, start < length else { return nil }
        guard !last.isEmpty else { return start..<length }
        guard let end = Int(last), end >= start else { return nil }
        return start..<min(end + 1, length)
    }
}

/// A Content-Type from a file's first bytes, for the common types a web page embeds; never HTML (served from the
/// API's origin it could script it), text only when the bytes are UTF-8 without control characters.
enum ContentSniffer {
    static func contentType(of head: ArraySlice<UInt8>) -> String {
        let signatures: [([UInt8], String)] = [
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "image/png"),
            ([0xFF, 0xD8, 0xFF], "image/jpeg"),
            (Array("GIF87a".utf8), "image/gif"), (Array("GIF89a".utf8), "image/gif"),
            (Array("%PDF-".utf8), "application/pdf"),
            ([0x1F, 0x8B], "application/gzip"),
            (Array("PK\u{3}\u{4}".utf8), "application/zip"),
        ]
        for (signature, type) in signatures where head.starts(with: signature) { return type }
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)),
            head.dropFirst(8).starts(with: Array("WEBP".utf8))
        {
            return "image/webp"
        }
        let isText =
            !head.isEmpty && String(validating: head, as: UTF8.self) != nil
            && !head.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        return isText ? "text/plain; charset=utf-8" : "application/octet-stream"
    }
}
