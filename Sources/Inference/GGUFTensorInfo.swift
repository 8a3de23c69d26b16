/// A tensor's entry in a GGUF file: name, shape, type and where its data lies. Every field is validated.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor's name (`blk.0.attn_q.weight`).
    public let name: String
    /// GGML's `ne` order: `dimensions[0]` is the row length (contiguous), the rest count rows.
    public let dimensions: [Int]
    /// The element type.
    public let type: TensorType
    /// The data's offset from the start of the data section.
    public let offset: Int
    /// The data's size in bytes.
    public let byteCount: Int
    /// The number of elements (the product of the dimensions).
    public let elementCount: Int

    /// The number of elements in one row.
    public var rowLength: Int { dimensions[0] }
    /// The number of rows (all dimensions after the first).
    public var rowCount: Int { elementCount / rowLength }
    /// The bytes one row takes.
    public var rowByteCount: Int { byteCount / rowCount }
}

extension GGUFTensorInfo {
    /// The most dimensions a GGML tensor has.
    static let maximumDimensions: UInt32 = 4

    /// Reads and validates one tensor info (everything but the data bounds, which need the data section).
    static func read(from reader: inout GGUFReader) throws(GGUFError) -> GGUFTensorInfo {
        let name = try reader.string("tensor name")
        let dimensionCount = try reader.integer(UInt32.self, "dimension count of \(name)")
        guard dimensionCount >= 1, dimensionCount <= maximumDimensions else {
            throw .invalidDimensionCount(tensor: name, found: dimensionCount)
        }
        var rawDimensions: [UInt64] = []
        for index in 0..<Int(dimensionCount) {
            rawDimensions.append(try reader.integer(UInt64.self, "dimension \(index) of \(name)"))
        }
        let typeCode = try reader.integer(UInt32.self, "type of \(name)")
        let rawOffset = try reader.integer(UInt64.self, "data offset of \(name)")
        let dimensions = try checkedDimensions(rawDimensions, name: name)
        guard let type = TensorType(rawValue: typeCode) else {
            throw .unsupportedTensorType(tensor: name, found: typeCode)
        }
        let elementCount = dimensions.reduce(1, *)  // checked in checkedDimensions
        guard dimensions[0] % type.blockSize == 0 else {
            throw .misalignedRow(tensor: name, rowLength: dimensions[0], blockSize: type.blockSize)
        }
        guard let rowBytes = type.rowByteCount(length: dimensions[0]),
            case (let byteCount, false) = rowBytes.multipliedReportingOverflow(by: elementCount / dimensions[0])
        else {
            throw .invalidShape(tensor: name, dimensions: rawDimensions)
        }
        guard let offset = Int(exactly: rawOffset) else {
            throw .tensorOutOfBounds(tensor: name, offset: rawOffset, byteCount: UInt64.max, dataSectionSize: 0)
        }
        return GGUFTensorInfo(
            name: name, dimensions: dimensions, type: type, offset: offset, byteCount: byteCount,
            elementCount: elementCount)
    }

    /// The dimensions as `Int`s: each at least 1, their product without overflow.
    private static func checkedDimensions(_ raw: [UInt64], name: String) throws(GGUFError) -> [Int] {
        var product = 1
        var dimensions: [Int] = []
        for value in raw {
            guard value >= 1, let dimension = Int(exactly: value) else {
                throw .invalidShape(tensor: name, dimensions: raw)
            }
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw .invalidShape(tensor: name, dimensions: raw) }
            product = next
            dimensions.append(dimension)
        }
        return dimensions
    }
}
