import Testing

@testable import Cache

/// Recursive pins, garbage collection and CAR export over DAGs that go through dag-cbor and dag-json blocks.
@Suite struct DAGWalkTests {
    static let fixtures = [
        "path_gateway_dag/dag-cbor-traversal.car",
        "path_gateway_dag/dag-json-traversal.car",
        "trustless_gateway_car/dir-with-dag-cbor-with-links.car",
    ]

    @Test(arguments: fixtures)
    func recursivePinKeepsTheWholeDAGThroughCollection(name: String) throws {
        let car = try ConformanceCAR(name)
        let store = try TestStore().store
        for section in car.sections { _ = try store.put(section.block, as: section.cid) }
        let unrelated = try store.put(Array("not pinned".utf8))
        try store.pin(car.root, recursive: true)
        #expect(try store.collectGarbage().removedBlocks == 1)
        #expect(try !store.has(unrelated))
        for section in car.sections { #expect(try store.has(section.cid), "\(section.cid) survives") }
    }

    @Test(arguments: fixtures)
    func recursivePinNeedsEveryLinkedBlock(name: String) throws {
        let car = try ConformanceCAR(name)
        let store = try TestStore().store
        let last = try #require(car.sections.last)
        for section in car.sections.dropLast() { _ = try store.put(section.block, as: section.cid) }
        #expect(throws: BlockStoreError.missingBlocks([last.cid])) { try store.pin(car.root, recursive: true) }
    }

    /// `car export` writes the fixture back byte for byte: the same header, the blocks in depth-first order.
    @Test(arguments: fixtures)
    func carExportEqualsTheFixture(name: String) throws {
        let car = try ConformanceCAR(name)
        let blocks = car.blocks
        #expect(try CARExport.order(root: car.root) { blocks[$0] } == car.sections.map(\.cid))
        var out: [UInt8] = []
        try CARExport.write(root: car.root, fetch: { blocks[$0] }, sink: { out += $0 })
        #expect(out == car.bytes)
    }

    @Test func corruptDagCBORInAPinnedDAGIsReported() throws {
        let store = try TestStore().store
        let bad: [UInt8] = [0x9F, 0xFF]  // indefinite length: not DAG-CBOR
        let cid = try store.put(bad, codec: .dagCBOR)
        #expect(throws: BlockStoreError.self) { try store.pin(cid, recursive: true) }
    }
}
