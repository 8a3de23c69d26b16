import Cache
import HTTPServer

/// The query of one kubo RPC read, checked against what its verb supports: an argument we do not implement is a
/// 400 naming it, never silently ignored. Every verb also takes kubo's global `stream-channels` (no effect over
/// HTTP), `encoding=json` and `offline` (no upstream fetch).
struct KuboArguments {
    let request: Request
    let verb: String

    private static let global: Set<String> = ["stream-channels", "encoding", "offline"]

    /// Checks every argument name of `request` against `supported` and the globals.
    init(_ request: Request, verb: String, supported: Set<String>) throws(APIError) {
        self.request = request
        self.verb = verb
        for (name, _) in request.query where !supported.contains(name) && !Self.global.contains(name) {
            throw Self.badRequest("\(verb): unsupported argument '\(name.prefix(64))'")
        }
        if let encoding = request.queryValue("encoding"), encoding != "json" {
            throw Self.badRequest("\(verb): unsupported encoding '\(encoding.prefix(64))': only json")
        }
        _ = try bool("stream-channels", default: false)
    }

    /// Whether blocks missing here may be fetched upstream (`offline=true` says no).
    var allowsNetwork: Bool { get throws(APIError) { try !bool("offline", default: false) } }

    /// Every `arg` value; at least one is required.
    func arguments() throws(APIError) -> [String] {
        let values = request.query.filter { $0.name == "arg" }.map(\.value)
        guard !values.isEmpty else { throw Self.badRequest("argument \"arg\" is required") }
        return values
    }

    /// The one `arg` value.
    func argument() throws(APIError) -> String {
        let values = try arguments()
        guard values.count == 1 else { throw Self.badRequest("\(verb) takes one \"arg\"; \(values.count) were given") }
        return values[0]
    }

    /// A boolean as Go's `strconv.ParseBool` reads it (kubo's parser); `default` when absent or empty.
    func bool(_ name: String, default value: Bool) throws(APIError) -> Bool {
        guard let text = request.queryValue(name), !text.isEmpty else { return value }
        guard let flag = Self.parseBool(text) else {
            throw Self.badRequest("\(verb): argument '\(name)' is not a boolean: '\(text.prefix(64))'")
        }
        return flag
    }

    /// `text` as Go's `strconv.ParseBool` reads it; nil when it is not a boolean.
    static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "true", "TRUE", "True": true
        case "0", "f", "F", "false", "FALSE", "False": false
        default: nil
        }
    }

    /// A non-negative integer argument, or nil when absent.
    func count(_ name: String) throws(APIError) -> UInt64? {
        guard let text = request.queryValue(name) else { return nil }
        guard let value = UInt64(text) else {
            throw Self.badRequest("\(verb): argument '\(name)' must be a non-negative integer: '\(text.prefix(64))'")
        }
        return value
    }

    /// Refuses `name` unless it is absent or `allowed` (a value we implement, such as `compress=false`).
    func require(_ name: String, toBe allowed: Bool, _ why: String) throws(APIError) {
        if request.queryValue(name) != nil, try bool(name, default: allowed) != allowed {
            throw Self.badRequest("\(verb): unsupported argument '\(name)=\(!allowed)': \(why)")
        }
    }

    /// `arg` as kubo paths go: `/ipfs/<cid>[/path]` or `<cid>[/path]`; the CID and the path's names.
    static func path(_ text: String) throws(APIError) -> (cid: CID, names: [String]) {
        var rest = Substring(text)
        if rest.hasPrefix("/ipfs/") {
            rest = rest.dropFirst(6)
        } else if rest.hasPrefix("/") {
            throw badRequest("invalid path '\(text.prefix(100))': only /ipfs/ paths are supported")
        }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: true)
        guard let first = parts.first else { throw badRequest("invalid path '\(text.prefix(100))': no CID") }
        do { return (try CID(first), parts.dropFirst().map(String.init)) } catch {
            throw badRequest("invalid CID '\(first.prefix(100))': \(error)")
        }
    }

    /// `arg` that must be a CID alone (block verbs, dag/export).
    static func cid(_ text: String) throws(APIError) -> CID {
        let (cid, names) = try path(text)
        guard names.isEmpty else { throw badRequest("'\(text.prefix(100))' is a path; a CID is expected") }
        return cid
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(status: 400, code: "invalid_argument", message: message)
    }
}
