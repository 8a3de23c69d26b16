// libFuzzer target for the block store's parsers. Not part of Package.swift: Fuzz/run-fuzz.sh ipld compiles
// this file with Sources/Cache's multiformats, DAG (dag-pb, dag-cbor, dag-json links), UnixFS and CAR files into one
// module, linked against separately built (also instrumented) Hashing and JSON modules.
//
// Byte 0 picks the parser; the rest is its input.

import JSON

/// libFuzzer's entry point: `size` bytes at `data`, owned by libFuzzer for the duration of the call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIPLD(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // Sound: libFuzzer passes `size` readable bytes at `data` (possibly nil when size is 0); they are copied
    // out before returning and never retained.
    let bytes = unsafe Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = bytes.first else { return 0 }
    let input = Array(bytes.dropFirst())
    switch selector % 7 {
    case 0: checkText(input)
    case 1: checkCIDBytes(input)
    case 2: checkDagPB(input)
    case 3: checkCAR(input)
    case 4: checkDagCBOR(input)
    case 5: checkDagJSON(input)
    default: checkVarint(input)
    }
    return 0
}

func require(_ condition: Bool, _ message: String) {
    if !condition { fatalError(message) }
}

/// Multibase and CID text: what decodes re-encodes to something that decodes to the same bytes.
func checkText(_ input: [UInt8]) {
    let text = String(decoding: input, as: UTF8.self)
    if let (base, decoded) = try? Multibase.decode(text) {
        let again = try? Multibase.decode(base.encode(decoded))
        require(again?.bytes == decoded && again?.base == base, "multibase round trip")
    }
    if let cid = try? CID(text) {
        require((try? CID(cid.description)) == cid, "CID text round trip")
        require((try? CID(bytes: cid.bytes)) == cid, "CID bytes round trip")
    }
}

/// Binary CIDs: canonical re-encoding is byte-identical (no two encodings of one CID).
func checkCIDBytes(_ input: [UInt8]) {
    guard let cid = try? CID(bytes: input) else { return }
    require(cid.bytes == input, "a CID parsed from bytes re-encodes to the same bytes")
}

/// DAG-PB: strict decoding accepts only canonical encodings, so decode → encode is the identity.
func checkDagPB(_ input: [UInt8]) {
    if let node = try? DagPBNode(bytes: input) {
        require(node.bytes == input, "DAG-PB decode/encode is the identity")
        if let data = node.data, let unixfs = try? UnixFSData(bytes: data) {
            _ = unixfs.bytes
        }
    }
    _ = try? UnixFSData(bytes: input)
}

/// CAR: every block handed out matches its CID; reading stops cleanly on any input.
func checkCAR(_ input: [UInt8]) {
    guard var reader = try? CARReader(bytes: input, maximumBlockBytes: 1 << 16) else { return }
    var sections = 0
    while sections < 10_000, let (cid, block) = try? reader.next() {
        require(cid.multihash.matches(block), "a CAR block is handed out only when it matches its CID")
        sections += 1
    }
}

/// DAG-CBOR links: an error names an offset inside the input; CBOR items are self-delimiting, so no proper
/// prefix of an accepted block is accepted; every link is a CID that round-trips through its bytes; paths resolve.
func checkDagCBOR(_ input: [UInt8]) {
    do {
        let links = try DagCBOR.links(in: input)
        require(links.count <= input.count / 4, "a link takes at least 4 bytes")
        for link in links { require((try? CID(bytes: link.bytes)) == link, "a link's CID round-trips") }
        for cut in Set([0, input.count / 2, input.count - 1]) where cut < input.count {
            require((try? DagCBOR.links(in: Array(input.prefix(cut)))) == nil, "a proper prefix is refused")
        }
        checkPath(input, codec: .dagCBOR, links: links)
        // Its DAG-JSON form is JSON holding the same links (compared as multisets: DAG-JSON sorts map keys by
        // their bytes, DAG-CBOR by length first, so links under different keys may change places).
        let json: [UInt8]
        do { json = try DagCBOR.dagJSON(input) } catch {
            // An accepted block is refused as DAG-JSON only for a shape DAG-JSON reserves (a link, bytes).
            if case .reservedDagJSONKey = error { return }
            require(false, "an accepted dag-cbor block converts to dag-json: \(error)")
            return
        }
        // A link or bytes object nests one or two levels deeper than the CBOR it came from.
        let limits = JSONLimits(maxDepth: DagCBOR.maximumDepth + 3, maxBytes: json.count)
        let jsonLinks = try? DagJSON.links(of: JSONValue.parse(json, limits: limits))
        require(jsonLinks != nil, "dag-cbor as dag-json parses and its links are CIDs")
        require(
            jsonLinks?.map(\.description).sorted() == links.map(\.description).sorted(),
            "dag-cbor as dag-json has the block's links")
    } catch {
        require(offset(of: error) <= input.count, "an error's offset lies inside the input")
    }
}

/// The offset a DAG-CBOR error names.
func offset(of error: DagCBORError) -> Int {
    switch error {
    case .truncated(let offset, _), .indefiniteLength(let offset), .reservedAdditionalInformation(let offset, _),
        .nonMinimalArgument(let offset), .narrowFloat(let offset), .nonFiniteFloat(let offset),
        .unsupportedSimpleValue(let offset, _), .unsupportedTag(let offset, _), .invalidLink(let offset, _),
        .invalidUTF8(let offset), .nonTextMapKey(let offset), .unorderedMapKey(let offset),
        .depthLimitExceeded(let offset, _), .unexpectedType(let offset, _, _), .trailingBytes(let offset),
        .reservedDagJSONKey(let offset):
        offset
    }
}

/// DAG-JSON links: any input gives links or a typed error; every link prints as a CID that parses back to it.
func checkDagJSON(_ input: [UInt8]) {
    guard let links = try? DagJSON.links(in: input) else { return }
    for link in links { require((try? CID(link.description)) == link, "a link's CID round-trips as text") }
    checkPath(input, codec: .dagJSON, links: links)
}

/// Paths into an accepted block: following one never fails, and a link it reaches is one of the block's links.
func checkPath(_ input: [UInt8], codec: Multicodec, links: [CID]) {
    for path in [[], ["a"], ["0"], ["a", "0", "b"], ["/"], ["1", "1"]] as [[String]] {
        guard let end = try? DAGPath.follow(path[...], in: input, codec: codec) else {
            require(false, "a path into an accepted block resolves")
            return
        }
        if case .link(let cid, let consumed) = end {
            require(links.contains(cid) && consumed <= path.count, "a path reaches one of the block's links")
        }
    }
}

/// Varints: a decoded value re-encodes to exactly the bytes it took.
func checkVarint(_ input: [UInt8]) {
    guard let (value, length) = try? Varint.decode(input) else { return }
    require(Varint.encode(value) == Array(input.prefix(length)), "varints are minimal")
}
