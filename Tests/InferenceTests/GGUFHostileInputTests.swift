import Foundation
import Inference
import TestSupport
import Testing

@Suite("GGUF: truncated and hostile files are typed errors")
struct GGUFHostileInputTests {
    private func parse(_ bytes: [UInt8]) throws(GGUFError) -> GGUFFile {
        try GGUFFile(bytes: MappedBytes(copying: bytes))
    }

    private func expectError(
        _ expected: GGUFError, _ builder: GGUFBuilder, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(throws: expected, sourceLocation: sourceLocation) { try parse(builder.bytes) }
    }

    /// A file with one F32 tensor of 4 elements (16 bytes of data).
    private func oneTensor(dimensions: [UInt64] = [4], type: UInt32 = 0, offset: UInt64 = 0, data: Int = 16)
        -> GGUFBuilder
    {
        var builder = GGUFBuilder(tensorCount: 1, keyCount: 0)
        builder.tensor("t", dimensions: dimensions, type: type, offset: offset)
        builder.data(count: data)
        return builder
    }

    @Test func handBuiltFileParses() throws {
        let file = try parse(oneTensor().bytes)
        #expect(file.dataOffset == 64)
        #expect(file.tensor(named: "t")?.dequantizeRow(0).count == 4)
        var v2 = GGUFBuilder(version: 2, tensorCount: 0, keyCount: 1)
        v2.keyUInt32("general.alignment", 8)
        #expect(try parse(v2.bytes).version == 2)
        #expect(try parse(v2.bytes).alignment == 8)
    }

    /// Every prefix that cuts the header or a tensor's data fails; the writer's padding after the last tensor may go.
    @Test func everyPrefixOfASmallFileIsTruncated() throws {
        let whole = [UInt8](try Data(contentsOf: GeneratedFixtures.url("aligned64.gguf")))
        let file = try parse(whole)
        let end = file.dataOffset + file.tensors.map { $0.offset + $0.byteCount }.max()!
        #expect(end < whole.count)
        for length in 0..<end {
            #expect(throws: GGUFError.self, "prefix of \(length) bytes") { try parse(Array(whole.prefix(length))) }
        }
        for length in end...whole.count {
            #expect(try parse(Array(whole.prefix(length))).tensors == file.tensors)
        }
        #expect(throws: GGUFError.truncated(what: "magic", offset: 0, needed: 4, available: 3)) {
            try parse(Array(whole.prefix(3)))
        }
    }

    @Test func everyMetadataPrefixOfTheAllTypesFileIsAnError() throws {
        let whole = [UInt8](try Data(contentsOf: GeneratedFixtures.url("all_types.gguf")))
        let file = try parse(whole)
        let dataOffset = file.dataOffset
        let end = dataOffset + file.tensors.map { $0.offset + $0.byteCount }.max()!
        for length in Array(0..<dataOffset + 64) + Array(stride(from: dataOffset + 64, to: end, by: 61)) {
            #expect(throws: GGUFError.self, "prefix of \(length) bytes") { try parse(Array(whole.prefix(length))) }
        }
    }

    @Test func headerErrors() {
        var builder = GGUFBuilder(tensorCount: 0, keyCount: 0)
        builder = GGUFBuilder(tensorCount: 0, keyCount: 0)
        var bytes = builder.bytes
        bytes[0] = UInt8(ascii: "X")
        #expect(throws: GGUFError.badMagic(found: 0x4655_4758)) { try parse(bytes) }
        expectError(
            .countTooLarge(what: "tensor count", offset: 8, count: 1 << 60, limit: 0),
            GGUFBuilder(tensorCount: 1 << 60, keyCount: 0))
        expectError(
            .countTooLarge(what: "metadata key/value count", offset: 16, count: 1 << 60, limit: 0),
            GGUFBuilder(tensorCount: 0, keyCount: 1 << 60))
    }

    @Test func lyingStringLengths() {
        var key = GGUFBuilder(tensorCount: 0, keyCount: 1)
        key.string("k", length: 1 << 63)
        key.u64(0)
        expectError(.truncated(what: "metadata key", offset: 24, needed: Int.max, available: 41), key)
        var value = GGUFBuilder(tensorCount: 0, keyCount: 1)
        value.string("k")
        value.u32(8)
        value.string("abc", length: 4)
        expectError(.truncated(what: "string value", offset: 37, needed: 49, available: 48), value)
        var invalid = GGUFBuilder(tensorCount: 0, keyCount: 1)
        invalid.u64(2)
        invalid.u8(0xC3)
        invalid.u8(0x28)
        invalid.u32(0)
        invalid.u8(0)
        expectError(.invalidUTF8(offset: 32), invalid)
    }

    @Test func hugeAndDeepArrays() {
        for (elementType, minimum) in [(UInt32(0), 1), (8, 8), (9, 12)] {
            var builder = GGUFBuilder(tensorCount: 0, keyCount: 1)
            builder.string("a")
            builder.u32(9)
            builder.u32(elementType)
            builder.u64(1 << 60)
            builder.u64(0)
            expectError(
                .countTooLarge(what: "array length", offset: 41, count: 1 << 60, limit: UInt64(8 / minimum)), builder)
        }
        var deep = GGUFBuilder(tensorCount: 0, keyCount: 1)
        deep.string("a")
        deep.u32(9)
        for _ in 0..<20 {
            deep.u32(9)
            deep.u64(1)
        }
        expectError(.nestingTooDeep(offset: 37 + 12 * 8, limit: 8), deep)
        var unknown = GGUFBuilder(tensorCount: 0, keyCount: 1)
        unknown.string("a")
        unknown.u32(13)
        unknown.u32(0)
        expectError(.unknownValueType(offset: 33, found: 13), unknown)
    }

    /// A u8 array takes 1 byte per element in the file but a full enum value in memory: the total is capped.
    @Test func metadataArrayElementsAreCappedInTotal() {
        var builder = GGUFBuilder(tensorCount: 0, keyCount: 2)
        let first = (1 << 22) - 10
        builder.string("a")
        builder.u32(9)
        builder.u32(0)
        builder.u64(UInt64(first))
        builder.append(zeros: first)
        builder.string("b")
        builder.u32(9)
        builder.u32(0)
        builder.u64(11)
        builder.append(zeros: 11)
        let countOffset = 24 + 9 + 4 + 4 + 8 + first + 9 + 4 + 4
        expectError(
            .countTooLarge(what: "array elements in metadata", offset: countOffset, count: 11, limit: 10), builder)
    }

    @Test func duplicatesAndAlignment() {
        var keys = GGUFBuilder(tensorCount: 0, keyCount: 2)
        keys.keyUInt32("k", 1)
        keys.keyUInt32("k", 2)
        expectError(.duplicateKey("k"), keys)
        var tensors = GGUFBuilder(tensorCount: 2, keyCount: 0)
        tensors.tensor("t", dimensions: [4])
        tensors.tensor("t", dimensions: [4], offset: 32)
        tensors.data(count: 64)
        expectError(.duplicateTensor("t"), tensors)
        for alignment: UInt32 in [0, 3, 48] {
            var builder = GGUFBuilder(tensorCount: 0, keyCount: 1)
            builder.keyUInt32("general.alignment", alignment)
            expectError(.invalidAlignment(found: "uint32(\(alignment))"), builder)
        }
        var wide = GGUFBuilder(tensorCount: 0, keyCount: 1)
        wide.string("general.alignment")
        wide.u32(10)
        wide.u64(32)
        expectError(.invalidAlignment(found: "uint64(32)"), wide)
    }

    @Test func absurdShapes() {
        for count: UInt32 in [0, 5, 1_000_000] {
            var builder = GGUFBuilder(tensorCount: 1, keyCount: 0)
            builder.string("t")
            builder.u32(count)
            builder.u64(4)
            builder.u64(4)
            expectError(.invalidDimensionCount(tensor: "t", found: count), builder)
        }
        for dimensions: [UInt64] in [
            [1 << 32, 1 << 32], [0, 4], [1 << 63], [.max], [1 << 20, 1 << 20, 1 << 20, 1 << 20],
        ] {
            expectError(.invalidShape(tensor: "t", dimensions: dimensions), oneTensor(dimensions: dimensions))
        }
        // An F32 tensor whose size in bytes (4 × elements) overflows even though the element count does not.
        expectError(.invalidShape(tensor: "t", dimensions: [1 << 62]), oneTensor(dimensions: [1 << 62]))
        expectError(.misalignedRow(tensor: "t", rowLength: 33, blockSize: 32), oneTensor(dimensions: [33], type: 2))
    }

    @Test func unknownTensorTypes() {
        for code: UInt32 in [4, 5, 13, 31, 99, .max] {
            expectError(.unsupportedTensorType(tensor: "t", found: code), oneTensor(type: code))
        }
    }

    @Test func lyingOffsetsAndSizes() {
        expectError(
            .tensorOutOfBounds(tensor: "t", offset: 0, byteCount: 16, dataSectionSize: 15), oneTensor(data: 15))
        expectError(
            .tensorOutOfBounds(tensor: "t", offset: 32, byteCount: 16, dataSectionSize: 40),
            oneTensor(offset: 32, data: 40))
        expectError(.misalignedOffset(tensor: "t", offset: 4, alignment: 32), oneTensor(offset: 4))
        let farAligned = UInt64(Int.max) & ~31
        expectError(
            .tensorOutOfBounds(tensor: "t", offset: farAligned, byteCount: 16, dataSectionSize: 16),
            oneTensor(offset: farAligned))
        expectError(
            .tensorOutOfBounds(tensor: "t", offset: 1 << 63, byteCount: .max, dataSectionSize: 0),
            oneTensor(offset: 1 << 63))
        expectError(
            .tensorOutOfBounds(tensor: "t", offset: 0, byteCount: 4 * 1024, dataSectionSize: 16),
            oneTensor(dimensions: [1024]))
    }

    /// Random byte flips of a valid file: each parse either fails with a `GGUFError` or yields tensors inside the file.
    @Test func randomMutationsNeverEscapeTheFile() throws {
        let whole = [UInt8](try Data(contentsOf: GeneratedFixtures.url("aligned64.gguf")))
        var random = SplitMix64(seed: 5)
        var parsed = 0
        for _ in 0..<3000 {
            var bytes = whole
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            guard let file = try? parse(bytes) else { continue }
            parsed += 1
            for info in file.tensors {
                #expect(file.dataOffset + info.offset + info.byteCount <= bytes.count)
                _ = file.tensor(named: info.name)?.dequantizeRow(info.rowCount - 1)
            }
        }
        #expect(parsed > 0, "some mutations (of tensor data) leave a valid file")
    }
}
