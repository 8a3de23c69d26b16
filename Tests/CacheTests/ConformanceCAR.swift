import Foundation
import TestSupport

@testable import Cache

/// A CAR from the IPFS gateway-conformance fixtures (`Tests/Vectors/gateway-conformance/fixtures`): its
/// roots and its sections in file order.
struct ConformanceCAR {
    let bytes: [UInt8]
    let roots: [CID]
    let sections: [(cid: CID, block: [UInt8])]

    init(_ name: String) throws {
        bytes = [UInt8](try Data(contentsOf: TestData.url("gateway-conformance/fixtures/" + name)))
        var reader = try CARReader(bytes: bytes)
        var sections: [(cid: CID, block: [UInt8])] = []
        while let section = try reader.next() { sections.append(section) }
        roots = reader.roots
        self.sections = sections
    }

    /// The root (every fixture here has one).
    var root: CID { roots[0] }

    /// The blocks by CID.
    var blocks: [CID: [UInt8]] {
        Dictionary(sections.map { ($0.cid, $0.block) }, uniquingKeysWith: { first, _ in first })
    }
}
