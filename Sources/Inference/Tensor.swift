/// A zero-copy, bounds-checked view of one tensor's data in a GGUF file.
public struct Tensor: Sendable {
    /// The tensor's validated info.
    public let info: GGUFTensorInfo
    /// The file holding the data (kept alive by this view).
    public let file: GGUFFile
    /// The rows interleaved in groups of eight for the AVX2 kernels (`groupingRows()`), when they are.
    var rowGroups: Q4_0RowGroups? = nil

    /// The absolute byte range of row `row`.
    func byteRange(ofRow row: Int) -> Range<Int> {
        precondition(row >= 0 && row < info.rowCount, "row \(row) outside 0..<\(info.rowCount)")
        let start = file.dataOffset + info.offset + row * info.rowByteCount
        return start..<start + info.rowByteCount
    }

    /// The absolute byte range of all the data (checked against the file when the file was parsed).
    var byteRange: Range<Int> {
        let start = file.dataOffset + info.offset
        return start..<start + info.byteCount
    }

    /// Calls `body` with the bytes of row `row`.
    public func withRowBytes<R>(_ row: Int, _ body: (RawSpan) -> R) -> R {
        file.bytes.withSpan(byteRange(ofRow: row), body)
    }

    /// Row `row` converted to `Float`.
    public func dequantizeRow(_ row: Int) -> [Float] {
        withRowBytes(row) { raw in
            let bytes = Span<UInt8>(_bytes: raw)
            var output: [Float] = []
            output.reserveCapacity(info.rowLength)
            Dequantize.row(bytes, type: info.type, into: &output)
            return output
        }
    }
}

/// Scalar conversion of GGML blocks to `Float`, written for clarity: one loop per block layout, safe byte reads.
enum Dequantize {
    static func row(_ bytes: Span<UInt8>, type: TensorType, into output: inout [Float]) {
        let blockCount = bytes.count / type.blockByteCount
        for block in 0..<blockCount {
            let start = block * type.blockByteCount
            let blockBytes = bytes.extracting(start..<start + type.blockByteCount)
            switch type {
            case .f32: output.append(Float(bitPattern: word32(blockBytes, 0)))
            case .f16: output.append(half(blockBytes, 0))
            case .q4_0: q4_0(blockBytes, into: &output)
            case .q4_1: q4_1(blockBytes, into: &output)
            case .q5_0: q5_0(blockBytes, into: &output)
            case .q5_1: q5_1(blockBytes, into: &output)
            case .q8_0: q8_0(blockBytes, into: &output)
            case .q4_K: q4_K(blockBytes, into: &output)
            case .q6_K: q6_K(blockBytes, into: &output)
            }
        }
    }

    static func half(_ bytes: Span<UInt8>, _ offset: Int) -> Float {
        Float(Float16(bitPattern: UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8))
    }

    private static func word32(_ bytes: Span<UInt8>, _ offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    private static func q4_0(_ block: Span<UInt8>, into output: inout [Float]) {
        let scale = half(block, 0)
        for shift in [0, 4] as [UInt8] {
            for index in 0..<16 { output.append(Float(Int((block[2 + index] >> shift) & 0x0F) - 8) * scale) }
        }
    }

    private static func q4_1(_ block: Span<UInt8>, into output: inout [Float]) {
        let scale = half(block, 0)
        let minimum = half(block, 2)
        for shift in [0, 4] as [UInt8] {
            for index in 0..<16 { output.append(Float((block[4 + index] >> shift) & 0x0F) * scale + minimum) }
        }
    }

    private static func q8_0(_ block: Span<UInt8>, into output: inout [Float]) {
        let scale = half(block, 0)
        for index in 0..<32 { output.append(Float(Int8(bitPattern: block[2 + index])) * scale) }
    }

    /// The 6-bit scale and minimum of sub-block `index` (0..<8) packed in Q4_K's 12 scale bytes at `base`.
    static func scaleAndMinimum(_ block: Span<UInt8>, base: Int, index: Int) -> (UInt8, UInt8) {
        if index < 4 {
            return (block[base + index] & 63, block[base + index + 4] & 63)
        }
        let low = block[base + index + 4]
        return ((low & 0x0F) | (block[base + index - 4] >> 6) << 4, (low >> 4) | (block[base + index] >> 6) << 4)
    }

    private static func q4_K(_ block: Span<UInt8>, into output: inout [Float]) {
        let scale = half(block, 0)
        let minimumScale = half(block, 2)
        for chunk in 0..<4 {  // 32 bytes of nibbles: low nibbles are sub-block 2c, high nibbles 2c+1
            for (part, shift) in [(0, UInt8(0)), (1, UInt8(4))] {
                let (subScale, subMinimum) = scaleAndMinimum(block, base: 4, index: 2 * chunk + part)
                let factor = scale * Float(subScale)
                let offset = minimumScale * Float(subMinimum)
                for index in 0..<32 {
                    output.append(factor * Float((block[16 + 32 * chunk + index] >> shift) & 0x0F) - offset)
                }
            }
        }
    }

    private static func q6_K(_ block: Span<UInt8>, into output: inout [Float]) {
        let scale = half(block, 208)
        for half in 0..<2 {  // 128 elements each: ql 64 bytes, qh 32 bytes, 8 scales
            for group in 0..<4 {
                for index in 0..<32 {
                    let low = block[64 * half + 32 * (group & 1) + index] >> (group < 2 ? 0 : 4) & 0x0F
                    let high = (block[128 + 32 * half + index] >> (2 * group)) & 3
                    let quant = Int(low | high << 4) - 32
                    let subScale = Int8(bitPattern: block[192 + 8 * half + 2 * group + index / 16])
                    output.append(scale * Float(subScale) * Float(quant))
                }
            }
        }
    }
}
