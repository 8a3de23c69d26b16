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
            require(abs(Double(integer) - sum) <= 1e-4 * magnitude + 1e-6, "Q8 ones: \(integer) vs \(sum)")
        }
    }
}

/// Fails the run with `message` (a `precondition` would drop it in -O builds).
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("property failed: \(message())") }
}
