// libFuzzer target for the GGUF reader and the tensor kernels. Not part of Package.swift:
// Fuzz/run-fuzz.sh gguf compiles this file with Sources/Inference/*.swift.
//
// The input is parsed as a GGUF file. A rejected file must be a typed GGUFError; an accepted one must keep every
// tensor inside the file, and its rows must dequantize to rows of the right length whose dot product with a vector
// of ones is their sum (when finite), on one thread and on the pool, and with Q8-quantized ones for the 4/8-bit types.

/// One pool for the whole run: threads are started once, like in the server.
let pool = ThreadPool(threadCount: 2)

/// libFuzzer's entry point: `size` bytes at `data`, owned by libFuzzer for the duration of the call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGGUF(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // Sound: libFuzzer passes `size` readable bytes at `data` (possibly nil when size is 0); they are copied
    // out before returning and never retained.
    let bytes = unsafe Array(UnsafeBufferPointer(start: data, count: size))
    let file: GGUFFile
    do {
        file = try GGUFFile(bytes: MappedBytes(copying: bytes))
    } catch {
        if case .truncated(_, let offset, let needed, let available) = error {
            require(available == bytes.count && offset <= available && needed > available, "truncation evidence")
        }
        return 0
    }
    checkLayout(file, fileSize: bytes.count)
    for info in file.tensors where info.byteCount <= 1 << 16 {
        checkKernels(file.tensor(named: info.name)!)
    }
    return 0
}

func checkLayout(_ file: GGUFFile, fileSize: Int) {
    require(file.version == 2 || file.version == 3, "version")
    require(file.alignment > 0 && file.alignment & (file.alignment - 1) == 0, "alignment is a power of two")
    require(file.dataOffset % file.alignment == 0, "data section aligned")
    require(Set(file.metadataKeys).count == file.metadataKeys.count, "unique keys")
    require(file.metadataKeys.count == file.metadata.count, "keys and values agree")
    for info in file.tensors {
        require(file.tensorInfo(named: info.name) == info, "tensor index")
        require(info.offset % file.alignment == 0, "tensor offset aligned")
        require(file.dataOffset + info.offset + info.byteCount <= fileSize, "tensor inside the file")
        require(info.rowCount * info.rowByteCount == info.byteCount, "rows cover the data")
    }
}

func checkKernels(_ tensor: Tensor) {
    let ones = [Float](repeating: 1, count: tensor.info.rowLength)
    var products: [Float] = []
    tensor.multiply(ones, into: &products, pool: pool)
    require(products.count == tensor.info.rowCount, "one product per row")
    var quantizedProducts: [Float] = []
    if tensor.acceptsQuantizedVectors {
        tensor.multiply(QuantizedVector(ones), into: &quantizedProducts, pool: pool)
        require(quantizedProducts.count == tensor.info.rowCount, "one quantized product per row")
    }
    for row in Set([0, tensor.info.rowCount - 1]) {
        let values = tensor.dequantizeRow(row)
        require(values.count == tensor.info.rowLength, "row length")
        let dot = tensor.dot(row: row, ones)
        require(dot.bitPattern == products[row].bitPattern || (dot.isNaN && products[row].isNaN), "pool and dot agree")
        let magnitude = values.reduce(0.0) { $0 + abs(Double($1)) }
        guard magnitude.isFinite, magnitude < 1e30, dot.isFinite else { continue }
        let sum = values.reduce(0.0) { $0 + Double($1) }
        require(abs(Double(dot) - sum) <= 1e-4 * magnitude + 1e-6, "dot of ones is the row's sum: \(dot) vs \(sum)")
        if tensor.acceptsQuantizedVectors {
            let integer = quantizedProducts[row]
            let parts = quantizedMagnitude(tensor, row: row, values: values)
            require(abs(Double(integer) - sum) <= 1e-4 * parts + 1e-6, "Q8 ones: \(integer) vs \(sum)")
        }
    }
}

/// The size the Q8 product's rounding scales with. Ones quantize to 127 × f16(1/127) = 1 − 6.1e-5, and the kernels
/// of the offset types take each block's offset m apart, times the activations' block sum stored as f16: Q4_1 and
/// Q5_1 (weight = d·q + m, as ggml's Q8_1 path), Q4_K (d·q − m per 32 weights) and Q4_0 (d·q − 8d, nibbles
/// unsigned). Either part's rounding scales
/// with that part, and d·q and m can cancel in the weight, so Σ|weight| alone does not bound the error (found by
/// this target: a Q4_1 row with Σ|weight| 202 and |m| ≈ 2 per weight; Q4_0 and Q4_K rows with huge scales).
func quantizedMagnitude(_ tensor: Tensor, row: Int, values: [Float]) -> Double {
    let type = tensor.info.type
    // The offset of each run of 32 weights.
    let offsets: [Float]? = tensor.withRowBytes(row) { raw in
        let bytes = Span<UInt8>(_bytes: raw)
        let blocks = stride(from: 0, to: bytes.count, by: type.blockByteCount)
        switch type {
        case .q4_1, .q5_1: return blocks.map { Dequantize.half(bytes, $0 + 2) }
        case .q4_0: return blocks.map { -8 * Dequantize.half(bytes, $0) }
        case .q4_K:
            return blocks.flatMap { start in
                let block = bytes.extracting(start..<start + type.blockByteCount)
                let minimumScale = Dequantize.half(block, 2)
                return (0..<8).map { -minimumScale * Float(Dequantize.scaleAndMinimum(block, base: 4, index: $0).1) }
            }
        default: return nil
        }
    }
    guard let offsets else { return values.reduce(0.0) { $0 + abs(Double($1)) } }
    var magnitude = 0.0
    for (index, value) in values.enumerated() {
        let offset = Double(offsets[index / 32])
        magnitude += abs(Double(value) - offset) + abs(offset)
    }
    return magnitude
}

/// Fails the run with `message` (a `precondition` would drop it in -O builds).
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("property failed: \(message())") }
}
