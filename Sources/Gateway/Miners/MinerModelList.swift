import JSON

/// The model ids in a miner's `GET /v1/models` answer (`{"data":[{"id":...},...]}`), as the OpenAI API, llama.cpp
/// and vLLM write it. Untrusted: at most `maxModels` ids of at most `maxIDBytes` bytes each, no control
/// characters; anything else in the body is ignored, and a body that is not such a list yields no ids.
public enum MinerModelList {
    /// Most model ids kept from one miner.
    public static let maxModels = 256
    /// Longest model id kept, in bytes.
    public static let maxIDBytes = 256

    /// The distinct valid ids in `body`, in the order listed; empty when there are none.
    public static func ids(in body: [UInt8]) -> [String] {
        guard let root = try? JSONValue.parse(body), let data = root["data"]?.arrayValue else { return [] }
        var ids: [String] = []
        var seen = Set<String>()
        for entry in data {
            guard ids.count < maxModels else { break }
            guard let id = entry["id"]?.stringValue, isValid(id), seen.insert(id).inserted else { continue }
            ids.append(id)
        }
        return ids
    }

    /// Whether `id` may be used as a model name: non-empty, bounded, no control characters.
    public static func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= maxIDBytes
            && !id.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
