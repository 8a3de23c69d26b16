import Foundation
import Inference
import Testing

@Suite("GGUF files written by PyPI gguf")
struct GGUFFileTests {
    private func open(_ name: String) throws -> GGUFFile {
        try GGUFFile(contentsOfFile: GeneratedFixtures.url(name).path)
    }

    @Test func scalarMetadataOfEveryType() throws {
        let file = try open("all_types.gguf")
        #expect(file.version == 3)
        #expect(file.metadata["test.u8"] == .uint8(200))
        #expect(file.metadata["test.i8"] == .int8(-100))
        #expect(file.metadata["test.u16"] == .uint16(60000))
        #expect(file.metadata["test.i16"] == .int16(-30000))
        #expect(file.metadata["test.u32"] == .uint32(4_000_000_000))
        #expect(file.metadata["test.i32"] == .int32(-2_000_000_000))
        #expect(file.metadata["test.u64"] == .uint64(18_000_000_000_000_000_000))
        #expect(file.metadata["test.i64"] == .int64(-9_000_000_000_000_000_000))
        #expect(file.metadata["test.f32"] == .float32(1.5))
        #expect(file.metadata["test.f64"] == .float64(-2.25))
        #expect(file.metadata["test.bool"] == .bool(true))
        #expect(try file.string("test.string") == "héllo, 世界")
        #expect(try file.string("general.architecture") == "test")
        #expect(try file.int("test.i16") == -30000)
        #expect(try file.double("test.f32") == 1.5)
        #expect(try file.bool("test.bool"))
        #expect(file.metadataKeys.first == "general.architecture")
        #expect(file.metadataKeys.count == file.metadata.count)
    }

    @Test func arraysOfEveryElementType() throws {
        let file = try open("all_types.gguf")
        #expect(file.metadata["test.array.uint8"] == .array(elementType: .uint8, [.uint8(1), .uint8(2), .uint8(255)]))
        #expect(try file.ints("test.array.int8") == [-128, 0, 127])
        #expect(try file.ints("test.array.uint16") == [0, 65535])
        #expect(try file.ints("test.array.int16") == [-32768, 32767])
        #expect(try file.ints("test.array.uint32") == [0, 4_294_967_295])
        #expect(try file.ints("test.array.int32") == [-2_147_483_648, 2_147_483_647])
        #expect(file.metadata["test.array.uint64"] == .array(elementType: .uint64, [.uint64(0), .uint64(.max)]))
        #expect(try file.ints("test.array.int64") == [.min, .max])
        #expect(try file.floats("test.array.float32") == [0.5, -1.0, 3.25])
        #expect(
            file.metadata["test.array.float64"] == .array(elementType: .float64, [.float64(0.125), .float64(-1e300)]))
        #expect(file.metadata["test.array.bool"]?.array?.compactMap(\.bool) == [true, false, true])
        #expect(try file.strings("test.array.string") == ["a", "", "日本語", "<0x0A>"])
        #expect(
            file.metadata["test.array.nested"]
                == .array(
                    elementType: .array,
                    [.array(elementType: .int32, [.int32(1), .int32(2)]), .array(elementType: .int32, [.int32(3)])]))
        #expect(file.metadata["test.array.nested_strings"]?.array?.compactMap(\.strings) == [["x"], ["y", "z"]])
    }

    @Test func typedAccessorsNameTheKey() throws {
        let file = try open("all_types.gguf")
        #expect(throws: GGUFError.metadata(key: "test.u8", expected: "string")) { try file.string("test.u8") }
        #expect(throws: GGUFError.metadata(key: "missing", expected: "present")) { try file.int("missing") }
        #expect(throws: GGUFError.metadata(key: "test.array.string", expected: "array of float32")) {
            try file.floats("test.array.string")
        }
        #expect(file.metadata["test.u64"]?.int == nil)  // 1.8e19 does not fit an Int
    }

    @Test func tensorInfos() throws {
        let file = try open("all_types.gguf")
        #expect(file.alignment == 32)
        #expect(file.dataOffset % 32 == 0)
        let expected: [(String, TensorType, [Int])] = [
            ("f32", .f32, [512, 9]), ("f16", .f16, [512, 9]), ("q4_0", .q4_0, [512, 9]), ("q4_1", .q4_1, [512, 9]),
            ("q8_0", .q8_0, [512, 9]), ("q4_k", .q4_K, [512, 9]), ("q6_k", .q6_K, [512, 9]), ("q5_0", .q5_0, [512, 9]),
            ("q5_1", .q5_1, [512, 9]),
            ("f32_odd", .f32, [37, 3]), ("f16_odd", .f16, [37, 3]), ("q8_0_3d", .q8_0, [64, 3, 2]),
            ("norm", .f32, [512]), ("q4_0_rows24", .q4_0, [512, 24]),
        ]
        #expect(file.tensors.map(\.name) == expected.map(\.0))
        for (name, type, dimensions) in expected {
            let info = try #require(file.tensorInfo(named: name))
            #expect(info.type == type)
            #expect(info.dimensions == dimensions)
            #expect(info.elementCount == dimensions.reduce(1, *))
            #expect(info.byteCount == info.elementCount / type.blockSize * type.blockByteCount)
            #expect(info.offset % file.alignment == 0)
            #expect(file.dataOffset + info.offset + info.byteCount <= file.bytes.count)
        }
        #expect(file.tensorInfo(named: "absent") == nil)
    }

    @Test func customAlignment() throws {
        let file = try open("aligned64.gguf")
        #expect(file.alignment == 64)
        #expect(file.dataOffset % 64 == 0)
        #expect(file.tensorInfo(named: "b")?.offset == 64)
        for name in ["a", "b"] {
            let tensor = try #require(file.tensor(named: name))
            #expect(tensor.dequantizeRow(0) == (try GeneratedFixtures.floats("aligned64.\(name).f32")))
        }
    }

    /// GGUF v2 has v3's little-endian layout; the same bytes with version 2 must read the same.
    @Test func versionTwoReadsLikeVersionThree() throws {
        var bytes = [UInt8](try Data(contentsOf: GeneratedFixtures.url("all_types.gguf")))
        let three = try GGUFFile(bytes: MappedBytes(copying: bytes))
        bytes[4] = 2
        let two = try GGUFFile(bytes: MappedBytes(copying: bytes))
        #expect(two.version == 2)
        #expect(two.metadata == three.metadata)
        #expect(two.tensors == three.tensors)
        #expect(two.dataOffset == three.dataOffset)
        for version: UInt8 in [1, 4] {
            bytes[4] = version
            #expect(throws: GGUFError.unsupportedVersion(found: UInt32(version))) {
                try GGUFFile(bytes: MappedBytes(copying: bytes))
            }
        }
    }

    @Test func missingEmptyAndDirectoryPathsAreTypedErrors() throws {
        #expect(throws: GGUFError.unreadable(.open(errno: ENOENT))) {
            try GGUFFile(contentsOfFile: "/nonexistent/model.gguf")
        }
        let folder = FileManager.default.temporaryDirectory
        #expect(throws: GGUFError.unreadable(.notARegularFile)) { try GGUFFile(contentsOfFile: folder.path) }
        let empty = folder.appendingPathComponent("empty-\(ProcessInfo.processInfo.processIdentifier).gguf")
        try Data().write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: GGUFError.truncated(what: "magic", offset: 0, needed: 4, available: 0)) {
            try GGUFFile(contentsOfFile: empty.path)
        }
    }
}
