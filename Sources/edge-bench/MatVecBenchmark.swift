import Glibc
import Inference
import System

/// Streams every 2-D tensor of one type through `Tensor.multiply` for two seconds per thread count and reports the
/// weight bytes read per second: the mean over all passes, and the fastest pass (less disturbed by other processes
/// on a shared machine).
struct MatVecBenchmark {
    let file: GGUFFile
    /// How long each measurement runs.
    var duration: Duration = .seconds(2)

    func run(threadCounts: [Int]) {
        let matrices = file.tensors.filter { $0.dimensions.count == 2 && $0.rowCount > 1 }
        let types = TensorType.allCases.filter { type in matrices.contains { $0.type == type } }
        print("type    x      tensors  MB/pass  threads  passes  GB/s mean  GB/s best  GB/cpu-s")
        for type in types {
            let tensors = matrices.filter { $0.type == type }.compactMap { file.tensor(named: $0.name) }
            let bytes = tensors.reduce(0) { $0 + $1.info.byteCount }
            let activations = tensors.allSatisfy(\.acceptsQuantizedVectors) ? ["f32", "q8"] : ["f32"]
            for threadCount in threadCounts {
                let pool = ThreadPool(threadCount: threadCount)
                for activation in activations {
                    let cpuStart = processCPUSeconds()
                    let (passes, seconds, best) = measure(tensors, pool: pool, quantized: activation == "q8")
                    let cpuSeconds = processCPUSeconds() - cpuStart
                    let mean = Double(bytes) * Double(passes) / seconds / 1e9
                    print(
                        pad("\(type)", 8) + pad(activation, 7) + pad("\(tensors.count)", 9)
                            + pad(fixed(Double(bytes) / 1e6, 1), 9) + pad("\(threadCount)", 9) + pad("\(passes)", 8)
                            + pad(fixed(mean, 2), 11) + pad(fixed(Double(bytes) / best / 1e9, 2), 11)
                            + fixed(Double(bytes) * Double(passes + 1) / cpuSeconds / 1e9, 2))
                }
            }
        }
    }

    /// Full passes over `tensors` (one mat-vec each, random activations), the seconds they took and the fastest
    /// pass's seconds; `quantized` quantizes each activation vector to Q8 blocks (inside the timed pass).
    private func measure(
        _ tensors: [Tensor], pool: ThreadPool, quantized: Bool
    ) -> (passes: Int, seconds: Double, best: Double) {
        var generator = SystemRandomNumberGenerator()
        let inputs = tensors.map { tensor in
            (0..<tensor.info.rowLength).map { _ in Float.random(in: -1...1, using: &generator) }
        }
        var outputs = tensors.map { [Float](repeating: 0, count: $0.info.rowCount) }
        let pass = {
            for index in tensors.indices {
                if quantized {
                    tensors[index].multiply(QuantizedVector(inputs[index]), into: &outputs[index], pool: pool)
                } else {
                    tensors[index].multiply(inputs[index], into: &outputs[index], pool: pool)
                }
            }
        }
        pass()  // warm the page cache and the pool's threads
        let clock = ContinuousClock()
        let start = clock.now
        var passes = 0
        var best = Double.infinity
        while clock.now - start < duration {
            let passStart = clock.now
            pass()
            best = min(best, seconds(clock.now - passStart))
            passes += 1
        }
        return (passes, seconds(clock.now - start), best)
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// CPU time used by every thread of this process: throughput per CPU-second is steadier than wall-clock rates when
/// other processes share the cores (it counts the warm-up pass too, and the pool's threads while they spin or work).
func processCPUSeconds() -> Double {
    var time = timespec()
    _ = unsafe clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// `value` with `digits` decimals (no Foundation formatting here).
func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    let whole = scaled / Int(scale)
    let fraction = String(scaled % Int(scale))
    return digits == 0 ? "\(whole)" : "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
}

/// `text` padded with spaces to `width` columns.
func pad(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(width - text.count, 1))
}

/// Version, metadata and tensors per type.
func printInfo(_ file: GGUFFile) {
    print("GGUF v\(file.version), \(file.metadata.count) metadata keys, \(file.tensors.count) tensors")
    print("alignment \(file.alignment), data at \(file.dataOffset), \(file.bytes.count) bytes")
    for key in file.metadataKeys {
        guard let value = file.metadata[key] else { continue }
        let shown: String
        if let elements = value.array {
            shown = "array of \(elements.count) \(elements.first.map { "\($0.type)" } ?? "")"
        } else {
            shown = "\(value)"
        }
        print("  \(key) = \(shown.prefix(100))")
    }
    for type in TensorType.allCases {
        let tensors = file.tensors.filter { $0.type == type }
        guard !tensors.isEmpty else { continue }
        let bytes = tensors.reduce(0) { $0 + $1.byteCount }
        print("  \(type): \(tensors.count) tensors, \(fixed(Double(bytes) / 1e6, 1)) MB")
    }
}
