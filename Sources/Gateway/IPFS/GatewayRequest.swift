import Cache
import HTTPServer
import System

/// What a trustless-gateway request asks for: the response format and, for CARs, its parameters.
struct GatewayRequest: Equatable {
    /// The response's form.
    enum Format: Equatable {
        /// The block's bytes (`application/vnd.ipld.raw`).
        case raw
        /// A CAR stream (`application/vnd.ipld.car`).
        case car(CAROptions)
        /// The file's own bytes (no format asked).
        case file
    }

    /// How much of the DAG a CAR carries.
    enum Scope: String, Equatable {
        case block, entity, all
    }

    /// `entity-bytes=from:to`, with negative offsets counted from the end; `to` nil = to the end.
    struct EntityBytes: Equatable {
        var from: Int64
        var to: Int64?
    }

    struct CAROptions: Equatable {
        var duplicates = false
        var scope = Scope.all
        var entityBytes: EntityBytes?

        /// The response's Content-Type.
        var contentType: String { "application/vnd.ipld.car; version=1; order=dfs; dups=\(duplicates ? "y" : "n")" }
    }

    var cid: CID
    var format: Format

    /// Parses the CID and the format: `?format=` wins over `Accept`; an Accept naming nothing we serve is 406.
    init(cidText: String, request: Request) throws(APIError) {
        do { cid = try CID(cidText) } catch {
            throw APIError(status: 400, code: "invalid_cid", message: "'\(cidText)' is not a valid CID: \(error)")
        }
        if let format = request.queryValue("format") {
            switch format {
            case "raw": self.format = .raw
            case "car": self.format = .car(try Self.carOptions(parameters: [], query: request))
            default:
                throw APIError(
                    status: 400, code: "invalid_format", message: "format '\(format)' is not supported (raw, car)")
            }
        } else if let accept = request.headers["Accept"] {
            format = try Self.format(accept: accept, request: request)
        } else {
            format = .file
        }
    }

    /// The first media range of `Accept` (in the client's order) that we serve.
    private static func format(accept: String, request: Request) throws(APIError) -> Format {
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingSpaces }
            let type = parts.first?.lowercased() ?? ""
            let parameters = parts.dropFirst().compactMap { part -> (String, String)? in
                guard let equals = part.firstIndex(of: "=") else { return nil }
                return (part[..<equals].trimmingSpaces.lowercased(), part[part.index(after: equals)...].trimmingSpaces)
            }
            if parameters.contains(where: { $0.0 == "q" && $0.1 == "0" }) { continue }
            switch type {
            case "application/vnd.ipld.raw": return .raw
            case "application/vnd.ipld.car":
                guard let options = try? carOptions(parameters: parameters, query: request) else { continue }
                return .car(options)
            case "*/*", "application/*", "application/octet-stream", "text/*", "text/plain", "text/html", "image/*":
                return .file
            default: continue
            }
        }
        throw APIError(
            status: 406, code: "not_acceptable",
            message: "none of the Accept types is served (application/vnd.ipld.raw, application/vnd.ipld.car, */*)")
    }

    /// CAR parameters from the media type and the query (`dag-scope`, `entity-bytes`, `car-dups` style `dups`).
    private static func carOptions(parameters: [(String, String)], query: Request) throws(APIError) -> CAROptions {
        var options = CAROptions()
        for (name, value) in parameters {
            switch (name, value) {
            case ("version", "1"), ("order", "dfs"), ("order", "unk"), ("dups", "n"), ("q", _): break
            case ("dups", "y"): options.duplicates = true
            default:
                throw APIError(
                    status: 400, code: "invalid_car_parameter", message: "CAR parameter \(name)=\(value) is not served")
            }
        }
        if let scope = query.queryValue("dag-scope") {
            guard let value = Scope(rawValue: scope) else {
                throw APIError(
                    status: 400, code: "invalid_dag_scope", message: "dag-scope must be block, entity or all")
            }
            options.scope = value
        }
        if let bytes = query.queryValue("entity-bytes") {
            options.entityBytes = try entityBytes(bytes)
            options.scope = .entity
        }
        return options
    }

    /// `from:to` with integers (negative = from the end) and `*` for an open end.
    static func entityBytes(_ text: String) throws(APIError) -> EntityBytes {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let from = Int64(parts[0]), parts[1] == "*" || Int64(parts[1]) != nil else {
            throw APIError(
                status: 400, code: "invalid_entity_bytes",
                message: "entity-bytes must be from:to, e.g. 0:1023 or -100:*")
        }
        let to = parts[1] == "*" ? nil : Int64(parts[1])
        if let to, from >= 0, to >= 0, to < from {
            throw APIError(status: 400, code: "invalid_entity_bytes", message: "entity-bytes ends before it starts")
        }
        return EntityBytes(from: from, to: to)
    }

    /// The byte range `entity-bytes` names within a file of `size` bytes (inclusive `to`, clamped).
    static func range(_ bytes: EntityBytes, size: UInt64) -> Range<UInt64> {
        let total = Int64(clamping: size)
        let from = bytes.from < 0 ? max(total + bytes.from, 0) : min(bytes.from, total)
        let last = bytes.to.map { $0 < 0 ? total + $0 : $0 } ?? total - 1
        let end = min(max(last + 1, from), total)
        return UInt64(from)..<UInt64(end)
    }
}
