import Cache
import JSON

/// A block shown as DAG-JSON, as kubo's `dag/get` prints it: dag-json as stored, dag-pb as its logical form
/// (`{"Data":{"/":{"bytes":…}},"Links":[{"Hash":{"/":…},"Name":…,"Tsize":…}]}`), raw as `{"/":{"bytes":…}}`.
/// dag-cbor transcoded (`DagCBOR.dagJSON`).
enum DagJSONView {
    /// The DAG-JSON bytes of `block`, whose CID has `codec`.
    static func encode(_ block: [UInt8], codec: Multicodec) throws(KuboReadError) -> [UInt8] {
        let value: JSONValue
        switch codec {
        case .dagJSON:
            return block
        case .dagCBOR:
            do { return try DagCBOR.dagJSON(block) } catch { throw .corrupt("\(error)") }
        case .raw:
            value = bytes(block)
        case .dagPB:
            let node: DagPBNode
            do { node = try DagPBNode(bytes: block) } catch { throw .corrupt("\(error)") }
            var object = JSONObject()
            if let data = node.data { object["Data"] = bytes(data) }
            object["Links"] = .array(
                node.links.map { link in
                    var entry: JSONObject = ["Hash": ["/": .string(link.cid.description)]]
                    if let name = link.name { entry["Name"] = .string(name) }
                    if let size = link.totalSize { entry["Tsize"] = .int(Int64(clamping: size)) }
                    return .object(entry)
                })
            value = .object(object)
        default:
            throw .unsupportedConversion(codec)
        }
        var out: [UInt8] = []
        value.serialize(into: &out)
        return out
    }

    /// DAG-JSON's bytes form: unpadded standard base64 under `{"/":{"bytes":…}}`.
    private static func bytes(_ data: [UInt8]) -> JSONValue {
        ["/": ["bytes": .string(Multibase.base64.encodeWithoutPrefix(data))]]
    }
}
