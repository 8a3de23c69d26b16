import Cache
import HTTPServer
import JSON

/// The subset of kubo's RPC API (`POST /api/v0/…`) web apps use to write: add, block/put, dag/import and pins.
/// Every call needs an API key. Answers are kubo-shaped JSON; errors are `{"Message":…,"Code":0,"Type":"error"}`.
struct KuboRPCRoutes: Sendable {
    let blocks: BlockStore

    var routes: [(method: String, route: EdgeGateway.Route)] {
        let handlers: [(String, @Sendable (Request) throws(APIError) -> Response)] = [
            ("/api/v0/add", add), ("/api/v0/block/put", blockPut), ("/api/v0/dag/import", dagImport),
            ("/api/v0/pin/add", pinAdd), ("/api/v0/pin/rm", pinRemove), ("/api/v0/pin/ls", pinList),
        ]
        return handlers.map { pattern, handler in
            (
                "POST",
                EdgeGateway.Route(pattern: pattern, flavor: .kubo) { request, _ throws(APIError) in try handler(request)
                }
            )
        }
    }

    /// `add`: each uploaded file imported as UnixFS (kubo-v1 profile unless `cid-version=0`), pinned unless
    /// `pin=false`; one JSON line per file: `{"Name","Hash","Size"}`.
    private func add(_ request: Request) throws(APIError) -> Response {
        let options = try Self.addOptions(request)
        let pin = request.queryValue("pin") != "false"
        var lines: [UInt8] = []
        for file in try files(request) {
            var importer = blocks.fileImporter(options: options)
            let result: UnixFSImporter.Result
            do {
                try importer.write(file.body)
                result = try importer.finish()
                if pin { try blocks.pin(result.root, recursive: true, checkingBlocks: false) }
            } catch { throw Self.failure("add", error) }
            let entry: JSONValue = [
                "Name": .string(file.filename ?? file.name ?? result.root.description),
                "Hash": .string(result.root.description), "Size": .string(String(result.dagSize)),
            ]
            entry.serialize(into: &lines)
            lines.append(0x0A)
        }
        return .bytes(200, contentType: "application/json", lines)
    }

    /// The import profile `add`'s query asks for. What we cannot honour is a 400 naming the value rather than a
    /// CID the client did not ask for: `hash` must be `sha2-256` (kubo's default; other functions are not
    /// implemented here), `cid-version` 0 or 1 (the only CID versions). An echoed value is cut at 64 characters.
    static func addOptions(_ request: Request) throws(APIError) -> UnixFSImporter.Options {
        if let hash = request.queryValue("hash"), hash != "sha2-256" {
            throw failure("unsupported hash '\(hash.prefix(64))': only sha2-256 is supported", status: 400)
        }
        try refuseUnsupportedAddFlags(request)
        let rawLeaves = try addBool(request, "raw-leaves")
        switch (request.queryValue("cid-version"), rawLeaves) {
        // Without a CID version the default profile decides the leaves: ipfshttpclient sends `raw-leaves=false`
        // with every add (it follows its `nocopy`), and its users get this router's default CIDs.
        case (nil, _), ("1", true?), ("1", nil): return .kuboV1
        case ("1", false?):
            var options = UnixFSImporter.Options.kuboV1
            options.rawLeaves = false
            return options
        case ("0", true?):
            throw failure("add: 'raw-leaves=true' with cid-version 0 is not supported", status: 400)
        case ("0", _): return .kuboLegacy
        case (let version?, _):
            throw failure("unsupported cid-version '\(version.prefix(64))': it must be 0 or 1", status: 400)
        }
    }

    /// `add` flags whose effect is not implemented here: set, they would give another answer or keep the data
    /// elsewhere, so each is a 400 naming it; off they are accepted.
    static func refuseUnsupportedAddFlags(_ request: Request) throws(APIError) {
        for flag in ["only-hash", "trickle", "wrap-with-directory", "nocopy"] where try addBool(request, flag) == true {
            throw failure("add: '\(flag)=true' is not supported", status: 400)
        }
    }

    /// A boolean `add` argument as kubo parses it; nil when absent or empty.
    static func addBool(_ request: Request, _ name: String) throws(APIError) -> Bool? {
        guard let text = request.queryValue(name), !text.isEmpty else { return nil }
        guard let value = KuboArguments.parseBool(text) else {
            throw failure("add: argument '\(name)' is not a boolean: '\(text.prefix(64))'", status: 400)
        }
        return value
    }

    /// `block/put`: each uploaded part stored as one block (`cid-codec`, default raw); `{"Key","Size"}` per block.
    private func blockPut(_ request: Request) throws(APIError) -> Response {
        let codecName = request.queryValue("cid-codec") ?? "raw"
        guard let codec = Multicodec.contentCodecs.first(where: { $0.name == codecName }) else {
            throw Self.failure("unsupported cid-codec '\(codecName)'", status: 400)
        }
        var lines: [UInt8] = []
        for file in try files(request) {
            let cid: CID
            do { cid = try blocks.put(Array(file.body), codec: codec) } catch { throw Self.failure("block/put", error) }
            let entry: JSONValue = ["Key": .string(cid.description), "Size": .int(Int64(file.body.count))]
            entry.serialize(into: &lines)
            lines.append(0x0A)
        }
        return .bytes(200, contentType: "application/json", lines)
    }

    /// `dag/import`: CAR uploads, every block verified; roots pinned unless `pin-roots=false`.
    private func dagImport(_ request: Request) throws(APIError) -> Response {
        let pinRoots = request.queryValue("pin-roots") != "false"
        var lines: [UInt8] = []
        for file in try files(request) {
            do {
                var reader = try CARReader(bytes: file.body, maximumBlockBytes: blocks.settings.maxBlockBytes)
                _ = try blocks.importBlocks(from: &reader)
                for root in reader.roots {
                    var pinError = ""
                    if pinRoots {
                        do { try blocks.pin(root, recursive: true) } catch { pinError = "\(error)" }
                    }
                    let entry: JSONValue = [
                        "Root": ["Cid": ["/": .string(root.description)], "PinErrorMsg": .string(pinError)]
                    ]
                    entry.serialize(into: &lines)
                    lines.append(0x0A)
                }
            } catch let error as APIError {
                throw error
            } catch {
                throw Self.failure("dag/import: \(error)", status: 400)
            }
        }
        return .bytes(200, contentType: "application/json", lines)
    }

    private func pinAdd(_ request: Request) throws(APIError) -> Response {
        let cid = try argument(request)
        do { try blocks.pin(cid, recursive: request.queryValue("recursive") != "false") } catch {
            throw Self.failure("pin/add: \(error)")
        }
        return .json(200, ["Pins": [.string(cid.description)]])
    }

    private func pinRemove(_ request: Request) throws(APIError) -> Response {
        let cid = try argument(request)
        let removed: Bool
        do { removed = try blocks.unpin(cid) } catch { throw Self.failure("pin/rm: \(error)") }
        guard removed else { throw Self.failure("not pinned or pinned indirectly") }
        return .json(200, ["Pins": [.string(cid.description)]])
    }

    private func pinList(_ request: Request) throws(APIError) -> Response {
        let pins: [BlockStore.Pin]
        do { pins = try blocks.pins() } catch { throw Self.failure("pin/ls: \(error)") }
        var keys = JSONObject()
        for pin in pins { keys[pin.cid.description] = ["Type": .string(pin.recursive ? "recursive" : "direct")] }
        return .json(200, ["Keys": .object(keys)])
    }

    /// The `arg` query parameter as a CID.
    private func argument(_ request: Request) throws(APIError) -> CID {
        guard let text = request.queryValue("arg") else {
            throw Self.failure("argument \"arg\" is required", status: 400)
        }
        do { return try CID(text.hasPrefix("/ipfs/") ? String(text.dropFirst(6)) : text) } catch {
            throw Self.failure("invalid CID '\(text)': \(error)", status: 400)
        }
    }

    /// The uploaded files of a multipart body.
    private func files(_ request: Request) throws(APIError) -> [MultipartForm.Part] {
        guard let boundary = MultipartForm.boundary(contentType: request.headers["Content-Type"]) else {
            throw Self.failure("expected a multipart/form-data body with a boundary", status: 400)
        }
        guard let parts = MultipartForm.parse(request.body, boundary: boundary) else {
            throw Self.failure("malformed multipart body", status: 400)
        }
        guard !parts.isEmpty else { throw Self.failure("no file in the request", status: 400) }
        return parts
    }

    /// A failed write: 507 `storage_full` when there was no room, else 500 with the error.
    private static func failure(_ operation: String, _ error: any Error) -> APIError {
        APIError.storageFailure(error, what: operation, fallback: failure("\(operation): \(error)"))
    }

    private static func failure(_ message: String, status: Int = 500) -> APIError {
        APIError(status: status, code: "error", message: message)
    }
}
