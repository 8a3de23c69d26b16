/// Why a GGUF file was rejected. Offsets are byte offsets into the file.
public enum GGUFError: Error, Equatable, Sendable {
    /// The file could not be opened or mapped.
    case unreadable(MappedBytes.MapError)
    /// The first four bytes are not `GGUF`.
    case badMagic(found: UInt32)
    /// The version is not 2 or 3.
    case unsupportedVersion(found: UInt32)
    /// The file ends inside `what`, which needs bytes up to `needed` (the file has `available`).
    case truncated(what: String, offset: Int, needed: Int, available: Int)
    /// A count claims more items than the rest of the file could hold.
    case countTooLarge(what: String, offset: Int, count: UInt64, limit: UInt64)
    /// A string is not valid UTF-8.
    case invalidUTF8(offset: Int)
    /// A metadata value type code that GGUF does not define.
    case unknownValueType(offset: Int, found: UInt32)
    /// Arrays nest deeper than the reader allows.
    case nestingTooDeep(offset: Int, limit: Int)
    /// The same metadata key appears twice.
    case duplicateKey(String)
    /// The same tensor name appears twice.
    case duplicateTensor(String)
    /// `general.alignment` is not a power-of-two `UInt32`.
    case invalidAlignment(found: String)
    /// A tensor's dimension count is 0 or above 4.
    case invalidDimensionCount(tensor: String, found: UInt32)
    /// A tensor's dimension is 0, or its element count or byte size overflows.
    case invalidShape(tensor: String, dimensions: [UInt64])
    /// A tensor type this reader does not support (or GGML does not define).
    case unsupportedTensorType(tensor: String, found: UInt32)
    /// A tensor's row length is not a multiple of its type's block size.
    case misalignedRow(tensor: String, rowLength: Int, blockSize: Int)
    /// A tensor's data offset is not a multiple of the alignment.
    case misalignedOffset(tensor: String, offset: UInt64, alignment: Int)
    /// A tensor's data lies (partly) outside the data section.
    case tensorOutOfBounds(tensor: String, offset: UInt64, byteCount: UInt64, dataSectionSize: Int)
    /// A metadata key is missing or has another type than asked for.
    case metadata(key: String, expected: String)
}
