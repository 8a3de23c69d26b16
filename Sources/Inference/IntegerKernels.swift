/// Integer dot products of Q4_0, Q4_1, Q8_0 and Q4_K rows with Q8-quantized activations (`QuantizedVector`), and the
/// threaded matrix-vector product on them.
///
/// Like `Kernels.swift`, this file reads tensor data through raw pointers: rows whose byte range `Tensor` checked and
/// activation buffers whose length was checked against the row length.
extension Tensor {
    /// Whether `multiply(_: QuantizedVector, …)` supports this tensor's type: Q4_0, Q4_1, Q8_0 and Q4_K. (Q6_K
    /// measured slower this way than with float activations: 4.3 against 6.6 GB per CPU-second.)
    public var acceptsQuantizedVectors: Bool { [.q4_0, .q4_1, .q8_0, .q4_K].contains(info.type) }

    /// `output[r] = dot(row r, vector)` with integer products, for the types that `acceptsQuantizedVectors`.
    public func multiply(_ vector: QuantizedVector, into output: inout [Float], pool: ThreadPool) {
        precondition(acceptsQuantizedVectors, "\(info.type) rows do not take quantized vectors")
        precondition(vector.count == info.rowLength, "vector has \(vector.count) elements, rows \(info.rowLength)")
        let rowCount = info.rowCount
        if output.count != rowCount { output = [Float](repeating: 0, count: rowCount) }
        let type = info.type
        let rowBytes = info.rowByteCount
        let taskCount = min(rowCount, pool.threadCount * 4)
        file.bytes.withSpan(byteRange) { matrix in
            unsafe matrix.withUnsafeBytes { weights in
                unsafe vector.quants.withUnsafeBufferPointer { quants in
                    unsafe vector.scales.withUnsafeBufferPointer { scales in
                        unsafe vector.sums.withUnsafeBufferPointer { sums in
                            unsafe output.withUnsafeMutableBufferPointer { y in
                                // Sound: as in multiply(_: [Float], …); the pointers outlive `run`.
                                let blocks = unsafe QuantizedBuffers(
                                    weights: weights, quants: quants, scales: scales, sums: sums, y: y)
                                pool.run(taskCount: taskCount) { task in
                                    let rows = (rowCount * task / taskCount)..<(rowCount * (task + 1) / taskCount)
                                    unsafe blocks.multiply(rows: rows, type: type, rowBytes: rowBytes)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// `output[v * rowCount + r] = dot(row r, vector v)` for every vector of `batch`, with integer products: the
    /// rows are split over `pool`'s threads and each row meets every vector while it is in cache.
    public func multiply(_ batch: QuantizedBatch, into output: inout [Float], pool: ThreadPool) {
        precondition(acceptsQuantizedVectors, "\(info.type) rows do not take quantized vectors")
        precondition(batch.length == info.rowLength, "vectors have \(batch.length) elements, rows \(info.rowLength)")
        let rowCount = info.rowCount
        if output.count != rowCount * batch.count { output = [Float](repeating: 0, count: rowCount * batch.count) }
        let type = info.type
        let rowBytes = info.rowByteCount
        let vectorCount = batch.count
        let taskCount = min(rowCount, pool.threadCount * 4)
        file.bytes.withSpan(byteRange) { matrix in
            unsafe matrix.withUnsafeBytes { weights in
                unsafe batch.quants.withUnsafeBufferPointer { quants in
                    unsafe batch.scales.withUnsafeBufferPointer { scales in
                        unsafe batch.sums.withUnsafeBufferPointer { sums in
                            unsafe output.withUnsafeMutableBufferPointer { y in
                                // Sound: as in multiply(_: QuantizedVector, …); tasks write disjoint rows of
                                // every vector's output.
                                let blocks = unsafe QuantizedBuffers(
                                    weights: weights, quants: quants, scales: scales, sums: sums, y: y)
                                pool.run(taskCount: taskCount) { task in
                                    let rows = (rowCount * task / taskCount)..<(rowCount * (task + 1) / taskCount)
                                    unsafe blocks.multiply(
                                        rows: rows, type: type, rowBytes: rowBytes, vectorCount: vectorCount,
                                        rowCount: rowCount)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Pointers shared by the tasks of one quantized `multiply` call.
@unsafe private struct QuantizedBuffers: @unchecked Sendable {
    let weights: UnsafeRawBufferPointer
    let quants: UnsafeBufferPointer<Int8>
    let scales: UnsafeBufferPointer<Float>
    let sums: UnsafeBufferPointer<Float>
    let y: UnsafeMutableBufferPointer<Float>

    func multiply(rows: Range<Int>, type: TensorType, rowBytes: Int) {
        unsafe multiply(rows: rows, type: type, rowBytes: rowBytes, vectorCount: 1, rowCount: 0)
    }

    /// Rows `rows` times each of `vectorCount` vectors stored one after another; vector `v`'s results start at
    /// `v * rowCount`.
    func multiply(rows: Range<Int>, type: TensorType, rowBytes: Int, vectorCount: Int, rowCount: Int) {
        let blockCount = unsafe scales.count / vectorCount
        let length = blockCount * 32
        for row in rows {
            let base = unsafe weights.baseAddress! + row * rowBytes
            for vector in 0..<vectorCount {
                let q = unsafe quants.baseAddress! + vector * length
                let (d, s) = unsafe (scales.baseAddress! + vector * blockCount, sums.baseAddress! + vector * blockCount)
                unsafe y[vector * rowCount + row] =
                    switch type {
                    case .q8_0: unsafe IntegerKernels.q8_0(base, q, d, blockCount)
                    case .q4_0: unsafe IntegerKernels.q4_0(base, q, d, s, blockCount)
                    case .q4_1: unsafe IntegerKernels.q4_1(base, q, d, s, blockCount)
                    case .q4_K: unsafe IntegerKernels.q4_K(base, q, d, s, blockCount)
                    case .f32, .f16, .q6_K: preconditionFailure("\(type) rows take float vectors")
                    }
            }
        }
    }
}

private enum IntegerKernels {
    /// Σ a[i] * b[i] over 16 lanes, as 8 pairwise sums (the shape of x86's `pmaddwd`).
    @inline(__always)
    static func pairwiseProducts(_ a: SIMD16<Int8>, _ b: SIMD16<Int8>) -> SIMD8<Int32> {
        var wideA = SIMD16<Int16>()
        var wideB = SIMD16<Int16>()
        for lane in 0..<16 {
            wideA[lane] = Int16(a[lane])
            wideB[lane] = Int16(b[lane])
        }
        let products = wideA &* wideB  // |a * b| <= 2^14: no overflow
        var result = SIMD8<Int32>()
        for lane in 0..<8 { result[lane] = Int32(products[2 * lane]) &+ Int32(products[2 * lane + 1]) }
        return result
    }

    @inline(__always)
    static func floats(_ lanes: SIMD8<Int32>) -> SIMD8<Float> {
        var result = SIMD8<Float>()
        for lane in 0..<8 { result[lane] = Float(lanes[lane]) }
        return result
    }

    @inline(__always)
    static func signedBytes(_ pointer: UnsafeRawPointer, _ offset: Int) -> SIMD16<Int8> {
        unsafe pointer.loadUnaligned(fromByteOffset: offset, as: SIMD16<Int8>.self)
    }

    /// The integer dot product of one block of 32 weights (two 16-lane halves) with block `block` of `q`.
    @inline(__always)
    static func blockProducts(
        _ low: SIMD16<Int8>, _ high: SIMD16<Int8>, _ q: UnsafePointer<Int8>, _ block: Int
    ) -> SIMD8<Float> {
        let x = unsafe UnsafeRawPointer(q + 32 * block)
        let products = unsafe pairwiseProducts(low, signedBytes(x, 0)) &+ pairwiseProducts(high, signedBytes(x, 16))
        return floats(products)
    }

    static func q8_0(
        _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ blockCount: Int
    ) -> Float {
        var sum = SIMD8<Float>()
        for block in 0..<blockCount {
            let base = unsafe row + 34 * block
            let products = unsafe blockProducts(signedBytes(base, 2), signedBytes(base, 18), q, block)
            sum += unsafe (Kernels.half(base, 0) * d[block]) * products
        }
        return sum.sum()
    }

    /// Q4_0 weights are `d * (n - 8)` for nibbles `n`: the products use the unsigned nibbles, and the `-8 d` offset
    /// multiplies the activation block's sum, as in Q4_1 (faster than subtracting 8 from every lane).
    static func q4_0(
        _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
        _ blockCount: Int
    ) -> Float {
        var sum = SIMD8<Float>()
        var offsets: Float = 0
        for block in 0..<blockCount {
            let base = unsafe row + 18 * block
            let quants = SIMD16<Int8>(truncatingIfNeeded: unsafe Kernels.bytes(base, 2))
            let products = unsafe blockProducts(quants & 0x0F, (quants &>> 4) & 0x0F, q, block)
            let scale = unsafe Kernels.half(base, 0)
            sum += unsafe (scale * d[block]) * products
            offsets -= unsafe 8 * scale * s[block]
        }
        return sum.sum() + offsets
    }

    static func q4_1(
        _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
        _ blockCount: Int
    ) -> Float {
        var sum = SIMD8<Float>()
        var offsets: Float = 0
        for block in 0..<blockCount {
            let base = unsafe row + 20 * block
            let quants = SIMD16<Int8>(truncatingIfNeeded: unsafe Kernels.bytes(base, 4))
            let products = unsafe blockProducts(quants & 0x0F, (quants &>> 4) & 0x0F, q, block)
            sum += unsafe (Kernels.half(base, 0) * d[block]) * products
            offsets += unsafe Kernels.half(base, 2) * s[block]
        }
        return sum.sum() + offsets
    }

    /// Q4_K: each 32-element sub-block (scale `d * sc`, minimum `dmin * m`) lines up with one activation block.
    static func q4_K(
        _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
        _ blockCount: Int
    ) -> Float {
        var sum = SIMD8<Float>()
        var offsets: Float = 0
        for block in 0..<blockCount / 8 {
            let base = unsafe row + 144 * block
            let (scales, minimums) = unsafe Kernels.scalesAndMinimums(base + 4)
            let factors = unsafe Kernels.half(base, 0) * scales
            let shifts = unsafe Kernels.half(base, 2) * minimums
            for chunk in 0..<4 {  // 32 bytes: low nibbles are sub-block 2c, high nibbles 2c+1
                let first = SIMD16<Int8>(truncatingIfNeeded: unsafe Kernels.bytes(base, 16 + 32 * chunk))
                let second = SIMD16<Int8>(truncatingIfNeeded: unsafe Kernels.bytes(base, 32 + 32 * chunk))
                let xBlock = 8 * block + 2 * chunk
                let low = unsafe blockProducts(first & 0x0F, second & 0x0F, q, xBlock)
                let high = unsafe blockProducts((first &>> 4) & 0x0F, (second &>> 4) & 0x0F, q, xBlock + 1)
                let lowFactor = unsafe factors[2 * chunk] * d[xBlock]
                let highFactor = unsafe factors[2 * chunk + 1] * d[xBlock + 1]
                sum += lowFactor * low + highFactor * high
                offsets -= unsafe shifts[2 * chunk] * s[xBlock] + shifts[2 * chunk + 1] * s[xBlock + 1]
            }
        }
        return sum.sum() + offsets
    }
}
