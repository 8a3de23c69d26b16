import InferenceKernels
import InferenceKernelsAVX2

/// The grouped rows' layout (the same in both builds of the kernels).
typealias RowGroupLayout = InferenceKernels.RowGroupLayout

/// A Q4_0 matrix's rows copied at load into groups of eight interleaved rows (`RowGroupLayout`), for the AVX2
/// kernels that multiply eight rows at once: about 3× fewer instructions per weight than one row at a time. The
/// copy costs memory equal to the matrix; the mapped original's pages are released once it exists.
@safe final class Q4_0RowGroups: @unchecked Sendable {
    // Sound to share: the bytes are written once, in `init`, and only read afterwards.
    /// (group, block, 144 bytes).
    let bytes: UnsafeMutableRawBufferPointer
    /// Blocks of 32 columns per row.
    let blockCount: Int
    /// Groups of eight rows.
    let groupCount: Int

    /// The interleaved copy of `tensor`, which must be Q4_0 with a row count divisible by eight.
    init(_ tensor: Tensor) {
        precondition(tensor.info.type == .q4_0 && tensor.info.rowCount % RowGroupLayout.rows == 0, "Q4_0 groups")
        let groupCount = tensor.info.rowCount / RowGroupLayout.rows
        let blockCount = tensor.info.rowLength / 32
        self.blockCount = blockCount
        self.groupCount = groupCount
        unsafe bytes = UnsafeMutableRawBufferPointer.allocate(
            byteCount: groupCount * blockCount * RowGroupLayout.blockBytes, alignment: 64)
        tensor.file.bytes.withSpan(tensor.byteRange) { matrix in
            // Sound: `matrix` holds rowCount rows of blockCount 18-byte blocks; `bytes` was sized for all groups.
            unsafe matrix.withUnsafeBytes { source in
                for group in 0..<groupCount {
                    for block in 0..<blockCount {
                        unsafe Self.interleave(
                            source.baseAddress!, group: group, block: block, blockCount: blockCount,
                            into: bytes.baseAddress! + (group * blockCount + block) * RowGroupLayout.blockBytes)
                    }
                }
            }
        }
        // The mapped original is not read for products any more (only a token embedding's rows, a page at a time).
        tensor.file.bytes.releasePages(tensor.byteRange)
    }

    deinit { unsafe bytes.deallocate() }

    /// Group `group`'s eight rows times `vector`, by a given build of the kernels (the tests compare the builds).
    func products<Kernels: RowGroupKernelSet>(group: Int, _ vector: QuantizedVector, kernels: Kernels.Type)
        -> [Float]
    {
        precondition(
            vector.count == blockCount * 32 && group >= 0 && group < groupCount,
            "a whole group and a whole vector")
        var output = [Float](repeating: 0, count: RowGroupLayout.rows)
        unsafe vector.quants.withUnsafeBufferPointer { q in
            unsafe vector.scales.withUnsafeBufferPointer { d in
                unsafe vector.sums.withUnsafeBufferPointer { s in
                    unsafe output.withUnsafeMutableBufferPointer { y in
                        // Sound: the group's bytes and the vector's buffers were size-checked above.
                        unsafe Kernels.q4_0Group(
                            bytes.baseAddress! + group * blockCount * RowGroupLayout.blockBytes, q.baseAddress!,
                            d.baseAddress!, s.baseAddress!, blockCount, y.baseAddress!)
                    }
                }
            }
        }
        return output
    }

    /// Block `block` of the eight rows of group `group` of the Q4_0 rows at `source`, written as one 144-byte
    /// interleaved block at `target`.
    private static func interleave(
        _ source: UnsafeRawPointer, group: Int, block: Int, blockCount: Int, into target: UnsafeMutableRawPointer
    ) {
        for row in 0..<RowGroupLayout.rows {
            let original = unsafe source + ((group * RowGroupLayout.rows + row) * blockCount + block) * 18
            unsafe target.storeBytes(
                of: original.loadUnaligned(as: UInt16.self), toByteOffset: 2 * row, as: UInt16.self)
            for chunk in 0..<4 {
                unsafe target.storeBytes(
                    of: original.loadUnaligned(fromByteOffset: 2 + 4 * chunk, as: UInt32.self),
                    toByteOffset: 16 + 32 * chunk + 4 * row, as: UInt32.self)
            }
        }
    }
}

extension Tensor {
    /// This tensor with its rows interleaved in groups of eight when that is faster here: Q4_0, a row count
    /// divisible by eight, the AVX2 kernels in use (or `always`, for the tests). Otherwise this tensor as it is.
    func groupingRows(always: Bool = false) -> Tensor {
        guard info.type == .q4_0, info.rowCount % RowGroupLayout.rows == 0, always || KernelSelection.usesAVX2 else {
            return self
        }
        var grouped = self
        grouped.rowGroups = Q4_0RowGroups(self)
        return grouped
    }
}

extension KernelSelection {
    /// Eight grouped rows times one vector: the group, the vector's quants, scales and sums, its block count, output.
    typealias GroupDot = (
        UnsafeRawPointer, UnsafePointer<Int8>, UnsafePointer<Float>, UnsafePointer<Float>, Int,
        UnsafeMutablePointer<Float>
    ) -> Void
    /// Eight grouped rows times four vectors stored one after another, results `stride` apart.
    typealias GroupFourVectorDot = (
        UnsafeRawPointer, UnsafePointer<Int8>, UnsafePointer<Float>, UnsafePointer<Float>, Int,
        UnsafeMutablePointer<Float>, Int
    ) -> Void

    /// The grouped-row kernels of the build in use.
    static var groupKernels: (one: GroupDot, four: GroupFourVectorDot) {
        usesAVX2
            ? unsafe groupKernels(InferenceKernelsAVX2.IntegerKernels.self)
            : unsafe groupKernels(InferenceKernels.IntegerKernels.self)
    }

    static func groupKernels<Kernels: RowGroupKernelSet>(_: Kernels.Type) -> (one: GroupDot, four: GroupFourVectorDot) {
        (
            { unsafe Kernels.q4_0Group($0, $1, $2, $3, $4, $5) },
            { unsafe Kernels.q4_0GroupTimesFour($0, $1, $2, $3, $4, $5, $6) }
        )
    }
}

/// The grouped-row kernels of one build.
protocol RowGroupKernelSet {
    static func q4_0Group(
        _ group: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
        _ blockCount: Int, _ output: UnsafeMutablePointer<Float>)
    static func q4_0GroupTimesFour(
        _ group: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
        _ blockCount: Int, _ output: UnsafeMutablePointer<Float>, _ stride: Int)
}

extension InferenceKernels.IntegerKernels: RowGroupKernelSet {}
extension InferenceKernelsAVX2.IntegerKernels: RowGroupKernelSet {}
