/// Attention's float step with SIMD: scaled runs of cached keys or values added to scores or outputs. Compiled
/// twice, like `FloatKernels`; callers pass pointers to at least `count` elements.
public enum VectorKernels {
    typealias Vector = SIMD16<Float>

    /// `y[i] += scale * x[i]` over `count` elements (a product, then a sum: no fused multiply-add).
    public static func addScaled(
        _ x: UnsafePointer<Float>, _ scale: Float, to y: UnsafeMutablePointer<Float>, _ count: Int
    ) {
        var index = 0
        while index + 16 <= count {
            let sum = unsafe FloatKernels.load(y, index) + scale * FloatKernels.load(x, index)
            unsafe UnsafeMutableRawPointer(y + index).storeBytes(of: sum, as: Vector.self)
            index += 16
        }
        while index < count {
            unsafe y[index] += scale * x[index]
            index += 1
        }
    }
}
