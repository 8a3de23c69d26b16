import Glibc
import InferenceKernels
import InferenceKernelsAVX2

/// Which build of the kernels runs. The same kernel sources are compiled twice: `InferenceKernels` for the
/// baseline target the binary is built for, `InferenceKernelsAVX2` for Haswell-class x86-64 (AVX2, FMA, F16C, BMI);
/// the second is used only when the CPU has every one of those features, so the binary still runs on CPUs without
/// them (Atom, older Celerons). `EDGE_INFERENCE_KERNELS=baseline` forces the baseline set (for comparisons).
enum KernelSelection {
    /// Whether this CPU can run the AVX2 build: it has every feature `-target-cpu haswell` compiles for.
    static let cpuSupportsAVX2: Bool = {
        #if arch(x86_64)
            return CPUFlags.current.isSuperset(of: ["avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "movbe", "popcnt"])
        #else
            return false
        #endif
    }()

    /// Whether the AVX2 build of the kernels is in use.
    static let usesAVX2: Bool = {
        let forced = unsafe getenv("EDGE_INFERENCE_KERNELS").map { unsafe String(cString: $0) }
        return cpuSupportsAVX2 && forced != "baseline"
    }()

    /// The name of the kernel set in use, for logs and benchmarks.
    static var name: String { usesAVX2 ? "avx2" : "baseline" }

    /// A row of `type` times a `Float` vector of `count` elements.
    @inline(__always)
    static func dot(_ type: TensorType, _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float {
        usesAVX2
            ? unsafe dot(InferenceKernelsAVX2.FloatKernels.self, type, row, x, count)
            : unsafe dot(InferenceKernels.FloatKernels.self, type, row, x, count)
    }

    /// An integer kernel: a row, then an activation vector's quants, scales and sums, then its block count.
    typealias IntegerDot = (UnsafeRawPointer, UnsafePointer<Int8>, UnsafePointer<Float>, UnsafePointer<Float>, Int)
        -> Float

    /// The integer kernel for `type` rows in the build in use, chosen once per matrix product rather than per row.
    static func integerKernel(_ type: TensorType) -> IntegerDot {
        usesAVX2
            ? unsafe integerKernel(InferenceKernelsAVX2.IntegerKernels.self, type)
            : unsafe integerKernel(InferenceKernels.IntegerKernels.self, type)
    }

    /// A Q4_0 or Q4_1 row (`blockBytes` 18 or 20) times four activation vectors, results `stride` apart.
    typealias FourVectorDot = (
        UnsafeRawPointer, Int, UnsafePointer<Int8>, UnsafePointer<Float>, UnsafePointer<Float>, Int,
        UnsafeMutablePointer<Float>, Int
    ) -> Void

    /// The four-vector kernel of the build in use, for prompts: `type` rows' unpacked weights serve four vectors.
    static func fourVectorKernel(_ type: TensorType) -> FourVectorDot? {
        usesAVX2
            ? unsafe fourVectorKernel(InferenceKernelsAVX2.IntegerKernels.self, type)
            : unsafe fourVectorKernel(InferenceKernels.IntegerKernels.self, type)
    }

    static func fourVectorKernel<Kernels: IntegerKernelSet>(_: Kernels.Type, _ type: TensorType) -> FourVectorDot? {
        switch type {
        case .q4_0, .q4_1: { unsafe Kernels.q4x4($0, blockBytes: $1, $2, $3, $4, $5, $6, $7) }
        case .q8_0:
            { row, _, q, d, _, blockCount, output, stride in
                unsafe Kernels.q8_0x4(row, q, d, blockCount, output, stride)
            }
        case .q5_0:
            { row, _, q, d, _, blockCount, output, stride in
                unsafe Kernels.q5_0x4(row, q, d, blockCount, output, stride)
            }
        case .q5_1:
            { row, _, q, d, s, blockCount, output, stride in
                unsafe Kernels.q5_1x4(row, q, d, s, blockCount, output, stride)
            }
        case .q4_K, .f32, .f16, .q6_K: nil
        }
    }

    static func integerKernel<Kernels: IntegerKernelSet>(_: Kernels.Type, _ type: TensorType) -> IntegerDot {
        switch type {
        case .q8_0: { row, q, d, _, blockCount in unsafe Kernels.q8_0(row, q, d, blockCount) }
        case .q4_0: unsafe Kernels.q4_0
        case .q4_1: unsafe Kernels.q4_1
        case .q5_0: { row, q, d, _, blockCount in unsafe Kernels.q5_0(row, q, d, blockCount) }
        case .q5_1: unsafe Kernels.q5_1
        case .q4_K: unsafe Kernels.q4_K
        case .f32, .f16, .q6_K: preconditionFailure("\(type) rows take float vectors")
        }
    }

    @inline(__always)
    static func dot<Kernels: FloatKernelSet>(
        _: Kernels.Type, _ type: TensorType, _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int
    ) -> Float {
        switch type {
        case .f32: unsafe Kernels.f32(row, x, count)
        case .f16: unsafe Kernels.f16(row, x, count)
        case .q4_0: unsafe Kernels.q4_0(row, x, count)
        case .q4_1: unsafe Kernels.q4_1(row, x, count)
        case .q5_0: unsafe Kernels.q5_0(row, x, count)
        case .q5_1: unsafe Kernels.q5_1(row, x, count)
        case .q8_0: unsafe Kernels.q8_0(row, x, count)
        case .q4_K: unsafe Kernels.q4_K(row, x, count)
        case .q6_K: unsafe Kernels.q6_K(row, x, count)
        }
    }

    @inline(__always)
    static func integerDot<Kernels: IntegerKernelSet>(
        _: Kernels.Type, _ type: TensorType, _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>,
        _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>, _ blockCount: Int
    ) -> Float {
        switch type {
        case .q8_0: unsafe Kernels.q8_0(row, q, d, blockCount)
        case .q4_0: unsafe Kernels.q4_0(row, q, d, s, blockCount)
        case .q4_1: unsafe Kernels.q4_1(row, q, d, s, blockCount)
        case .q5_0: unsafe Kernels.q5_0(row, q, d, blockCount)
        case .q5_1: unsafe Kernels.q5_1(row, q, d, s, blockCount)
        case .q4_K: unsafe Kernels.q4_K(row, q, d, s, blockCount)
        case .f32, .f16, .q6_K: preconditionFailure("\(type) rows take float vectors")
        }
    }
}

/// The float-activation kernels of one build.
protocol FloatKernelSet {
    static func f32(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float
    static func f16(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float
    static func q8_0(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float
    static func q4_0(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float
    static func q4_1(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float
    static func q5_0(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float
    static func q5_1(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float
    static func q4_K(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float
    static func q6_K(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float
}

/// The 8-bit-activation kernels of one build.
protocol IntegerKernelSet {
    static func q8_0(_ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ blockCount: Int)
        -> Float
    static func q4_0(
        _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
        _ blockCount: Int
    ) -> Float
    static func q4_1(
        _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
        _ blockCount: Int
    ) -> Float
    static func q4_K(
        _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
        _ blockCount: Int
    ) -> Float
    static func q5_0(_ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ blockCount: Int)
        -> Float
    static func q5_1(
        _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
        _ blockCount: Int
    ) -> Float
    static func q4x4(
        _ row: UnsafeRawPointer, blockBytes: Int, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>,
        _ s: UnsafePointer<Float>, _ blockCount: Int, _ output: UnsafeMutablePointer<Float>, _ stride: Int
    )
    static func q8_0x4(
        _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ blockCount: Int,
        _ output: UnsafeMutablePointer<Float>, _ stride: Int
    )
    static func q5_0x4(
        _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ blockCount: Int,
        _ output: UnsafeMutablePointer<Float>, _ stride: Int
    )
    static func q5_1x4(
        _ row: UnsafeRawPointer, _ q: UnsafePointer<Int8>, _ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>,
        _ blockCount: Int, _ output: UnsafeMutablePointer<Float>, _ stride: Int
    )
}

extension InferenceKernels.FloatKernels: FloatKernelSet {}
extension InferenceKernelsAVX2.FloatKernels: FloatKernelSet {}
extension InferenceKernels.IntegerKernels: IntegerKernelSet {}
extension InferenceKernelsAVX2.IntegerKernels: IntegerKernelSet {}

/// The CPU feature flags Linux reports in `/proc/cpuinfo` (the first processor's `flags` line).
enum CPUFlags {
    static let current: Set<String> = {
        guard let text = readFile("/proc/cpuinfo", limit: 1 << 20) else { return [] }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
            let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }()

    /// Up to `limit` bytes of a file (procfs files report size 0, so it is read until the end).
    private static func readFile(_ path: String, limit: Int) -> String? {
        // Sound: `path` is bridged to a C string for the call.
        let descriptor = unsafe open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while bytes.count < limit {
            // Sound: `read` writes at most `chunk.count` bytes into the buffer it is given.
            let count = unsafe chunk.withUnsafeMutableBytes { unsafe read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension KernelSelection {
    /// Quantizes `blockCount` blocks of 32 floats at `x` to 8 bits (`ActivationKernels`) with the build in use.
    static func quantize(
        _ x: UnsafePointer<Float>, _ blockCount: Int, _ q: UnsafeMutablePointer<Int8>,
        _ d: UnsafeMutablePointer<Float>, _ s: UnsafeMutablePointer<Float>
    ) {
        if usesAVX2 {
            unsafe InferenceKernelsAVX2.ActivationKernels.quantize(x, blockCount, q, d, s)
        } else {
            unsafe InferenceKernels.ActivationKernels.quantize(x, blockCount, q, d, s)
        }
    }
}
