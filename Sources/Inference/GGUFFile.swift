/// A parsed GGUF file (versions 2 and 3): metadata, tensor infos and zero-copy access to tensor data.
///
/// Parsing checks every count, length, shape and offset against the file before using it, so a truncated or
/// hostile file fails with a `GGUFError` instead of reading out of bounds or allocating without limit.
public final class GGUFFile: Sendable {
    /// `GGUF` read as a little-endian `UInt32`.
    static let magic: UInt32 = 0x4655_4747
    /// The alignment of tensor data when `general.alignment` is absent.
    public static let defaultAlignment = 32

    /// The format version (2 or 3).
    public let version: UInt32
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// Metadata values by key.
    public let metadata: [String: GGUFValue]
    /// Tensor infos in file order.
    public let tensors: [GGUFTensorInfo]
    /// The alignment of tensor data (`general.alignment`, default 32).
    public let alignment: Int
    /// The offset of the data section from the start of the file.
    public let dataOffset: Int
    /// The file's bytes.
    public let bytes: MappedBytes
    private let tensorIndex: [String: Int]

    /// Maps and parses the file at `path`.
    public convenience init(contentsOfFile path: String) throws(GGUFError) {
        let bytes: MappedBytes
        do {
            bytes = try MappedBytes(contentsOfFile: path)
        } catch {
            throw .unreadable(error)
        }
        try self.init(bytes: bytes)
    }

    /// Parses GGUF `bytes`.
    public init(bytes: MappedBytes) throws(GGUFError) {
        var reader = GGUFReader(bytes: bytes)
        let magic = try reader.integer(UInt32.self, "magic")
        guard magic == Self.magic else { throw .badMagic(found: magic) }
        version = try reader.integer(UInt32.self, "version")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(found: version) }
        // Smallest tensor info: empty name (8), one dimension (4 + 8), type (4), offset (8).
        let tensorCount = try reader.count("tensor count", itemSize: 32)
        // Smallest key/value: empty key (8), type (4), one-byte value.
        let keyCount = try reader.count("metadata key/value count", itemSize: 13)
        (metadataKeys, metadata) = try Self.readMetadata(count: keyCount, from: &reader)
        alignment = try Self.alignment(in: metadata)
        var infos: [GGUFTensorInfo] = []
        var index: [String: Int] = [:]
        for _ in 0..<tensorCount {
            let info = try GGUFTensorInfo.read(from: &reader)
            guard index.updateValue(infos.count, forKey: info.name) == nil else { throw .duplicateTensor(info.name) }
            infos.append(info)
        }
        reader.align(to: alignment)
        dataOffset = reader.offset
        try Self.verifyData(of: infos, dataOffset: dataOffset, alignment: alignment, fileSize: bytes.count)
        tensors = infos
        tensorIndex = index
        self.bytes = bytes
    }

    /// The size of the data section (0 when the file ends before it).
    public var dataSectionSize: Int { max(bytes.count - dataOffset, 0) }

    /// The info of the tensor named `name`.
    public func tensorInfo(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// A zero-copy view of the data of the tensor named `name`.
    public func tensor(named name: String) -> Tensor? {
        tensorInfo(named: name).map { Tensor(info: $0, file: self) }
    }

    private static func readMetadata(
        count: Int, from reader: inout GGUFReader
    ) throws(GGUFError) -> ([String], [String: GGUFValue]) {
        var keys: [String] = []
        var values: [String: GGUFValue] = [:]
        for _ in 0..<count {
            let key = try reader.string("metadata key")
            let type = try reader.valueType("value type of \(key)")
            let value = try reader.value(of: type)
            guard values.updateValue(value, forKey: key) == nil else { throw .duplicateKey(key) }
            keys.append(key)
        }
        return (keys, values)
    }

    private static func alignment(in metadata: [String: GGUFValue]) throws(GGUFError) -> Int {
        guard let value = metadata["general.alignment"] else { return defaultAlignment }
        guard case .uint32(let alignment) = value, alignment > 0, alignment.nonzeroBitCount == 1 else {
            throw .invalidAlignment(found: "\(value)")
        }
        return Int(alignment)
    }

    private static func verifyData(
        of infos: [GGUFTensorInfo], dataOffset: Int, alignment: Int, fileSize: Int
    ) throws(GGUFError) {
        let dataSize = max(fileSize - dataOffset, 0)
        for info in infos {
            guard info.offset % alignment == 0 else {
                throw .misalignedOffset(tensor: info.name, offset: UInt64(info.offset), alignment: alignment)
            }
            let (end, overflow) = info.offset.addingReportingOverflow(info.byteCount)
            guard !overflow, end <= dataSize else {
                throw .tensorOutOfBounds(
                    tensor: info.name, offset: UInt64(info.offset), byteCount: UInt64(info.byteCount),
                    dataSectionSize: dataSize)
            }
        }
    }
}

extension GGUFFile {
    /// The value at `key`, or a `.metadata` error naming the key.
    public func value(_ key: String) throws(GGUFError) -> GGUFValue {
        guard let value = metadata[key] else { throw .metadata(key: key, expected: "present") }
        return value
    }

    /// The string at `key`.
    public func string(_ key: String) throws(GGUFError) -> String {
        guard let text = try value(key).string else { throw .metadata(key: key, expected: "string") }
        return text
    }

    /// The integer (any width) at `key`.
    public func int(_ key: String) throws(GGUFError) -> Int {
        guard let number = try value(key).int else { throw .metadata(key: key, expected: "integer") }
        return number
    }

    /// The `float32` or `float64` at `key`.
    public func double(_ key: String) throws(GGUFError) -> Double {
        guard let number = try value(key).double else { throw .metadata(key: key, expected: "float") }
        return number
    }

    /// The `bool` at `key`.
    public func bool(_ key: String) throws(GGUFError) -> Bool {
        guard let flag = try value(key).bool else { throw .metadata(key: key, expected: "bool") }
        return flag
    }

    /// The array of strings at `key`.
    public func strings(_ key: String) throws(GGUFError) -> [String] {
        guard let texts = try value(key).strings else { throw .metadata(key: key, expected: "array of strings") }
        return texts
    }

    /// The array of `float32` at `key`.
    public func floats(_ key: String) throws(GGUFError) -> [Float] {
        guard let numbers = try value(key).floats else { throw .metadata(key: key, expected: "array of float32") }
        return numbers
    }

    /// The array of integers at `key`.
    public func ints(_ key: String) throws(GGUFError) -> [Int] {
        guard let numbers = try value(key).ints else { throw .metadata(key: key, expected: "array of integers") }
        return numbers
    }
}
