import Foundation
import InferenceKernels
import InferenceKernelsAVX2
import Synchronization
import Testing

@testable import Inference

@Suite("Tensor kernels against gguf.quants references")
struct KernelTests {
    static let names = [
        "f32", "f16", "q4_0", "q4_1", "q8_0", "q4_k", "q6_k", "q5_0", "q5_1", "f32_odd", "f16_odd", "q8_0_3d", "norm",
    ]

    private static let file: Result<GGUFFile, any Error> = Result {
        try GGUFFile(contentsOfFile: GeneratedFixtures.url("all_types.gguf").path)
    }

    private func tensor(_ name: String) throws -> Tensor {
        try #require(try Self.file.get().tensor(named: name))
    }

    private func activations(for tensor: Tensor) throws -> [Float] {
        let full = try GeneratedFixtures.floats(tensor.info.rowLength == 37 ? "x37.f32" : "x512.f32")
        return Array(full.prefix(tensor.info.rowLength))
    }

    /// The float64 dot product of a reference row with `x`, and the sum of the terms' magnitudes.
    private func reference(_ row: ArraySlice<Float>, _ x: [Float]) -> (value: Double, magnitude: Double) {
        zip(row, x).reduce((0, 0)) { partial, pair in
            let term = Double(pair.0) * Double(pair.1)
            return (partial.0 + term, partial.1 + abs(term))
        }
    }

    /// The two computations differ only in float32 rounding: a relative bound on the sum of the terms' magnitudes.
    private func close(_ found: Float, _ expected: (value: Double, magnitude: Double)) -> Bool {
        abs(Double(found) - expected.value) <= 1e-5 * expected.magnitude + 1e-6
    }

    /// gguf and we do the same float32 operations per element, so dequantized values are bit-identical.
    @Test(arguments: names) func dequantizedRowsMatchExactly(name: String) throws {
        let tensor = try tensor(name)
        let expected = try GeneratedFixtures.floats("\(name).f32")
        #expect(expected.count == tensor.info.elementCount)
        let allFinite = expected.allSatisfy { $0.isFinite }
        #expect(allFinite)
        let length = tensor.info.rowLength
        for row in 0..<tensor.info.rowCount {
            let found = tensor.dequantizeRow(row)
            #expect(found == Array(expected[row * length..<(row + 1) * length]), "row \(row)")
        }
    }

    @Test(arguments: names) func dotProductsMatchFloat64Reference(name: String) throws {
        let tensor = try tensor(name)
        let weights = try GeneratedFixtures.floats("\(name).f32")
        let x = try activations(for: tensor)
        let length = tensor.info.rowLength
        for row in 0..<tensor.info.rowCount {
            let expected = reference(weights[row * length..<(row + 1) * length], x)
            let found = tensor.dot(row: row, x)
            #expect(close(found, expected), "row \(row): \(found) vs \(expected.value)")
        }
    }

    /// Both builds of the kernels (baseline, and AVX2 when this CPU has it) agree with the float64 reference.
    @Test(arguments: names) func everyKernelBuildMatchesTheReference(name: String) throws {
        let tensor = try tensor(name)
        let x = try activations(for: tensor)
        for row in 0..<tensor.info.rowCount {
            let expected = reference(tensor.dequantizeRow(row)[...], x)
            #expect(close(tensor.dot(row: row, x, kernels: InferenceKernels.FloatKernels.self), expected))
            if KernelSelection.cpuSupportsAVX2 {
                #expect(close(tensor.dot(row: row, x, kernels: InferenceKernelsAVX2.FloatKernels.self), expected))
            }
            guard tensor.acceptsQuantizedVectors else { continue }
            let quantized = QuantizedVector(x)
            let baseline = tensor.dot(row: row, quantized, kernels: InferenceKernels.IntegerKernels.self)
            // Quantizing x moves element i by at most half its block's scale, plus the f16 rounding of the scale
            // and of the block sum (see QuantizedVectorTests): 0.6 of a scale covers both.
            let weights = tensor.dequantizeRow(row)
            let bound = weights.indices.reduce(0.0) {
                $0 + abs(Double(weights[$1])) * Double(quantized.scales[$1 / 32]) * 0.6
            }
            #expect(abs(Double(baseline) - expected.value) <= bound + 1e-5 * expected.magnitude, "\(name) row \(row)")
            if KernelSelection.cpuSupportsAVX2 {
                let avx2 = tensor.dot(row: row, quantized, kernels: InferenceKernelsAVX2.IntegerKernels.self)
                // Integer products are exact; only the float scaling may round differently (FMA).
                #expect(abs(avx2 - baseline) <= 1e-4 * max(1, abs(baseline)), "\(name) row \(row)")
            }
        }
    }

    @Test(arguments: [1, 2, 3, 8]) func matrixVectorProductOnThreads(threadCount: Int) throws {
        let pool = ThreadPool(threadCount: threadCount)
        for name in Self.names {
            let tensor = try tensor(name)
            let weights = try GeneratedFixtures.floats("\(name).f32")
            let x = try activations(for: tensor)
            let length = tensor.info.rowLength
            var output: [Float] = []
            tensor.multiply(x, into: &output, pool: pool)
            #expect(output.count == tensor.info.rowCount)
            for row in 0..<tensor.info.rowCount {
                let expected = reference(weights[row * length..<(row + 1) * length], x)
                #expect(close(output[row], expected), "\(name) row \(row) on \(threadCount) threads")
                #expect(output[row] == tensor.dot(row: row, x), "rows are computed by the same kernel")
            }
        }
    }

    /// A prompt's batch goes through the four-vector kernels (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) in groups of four, the
    /// rest one by one: every result equals the single vector's product exactly.
    @Test(arguments: ["q4_0", "q4_1", "q8_0", "q4_k", "q5_0", "q5_1"])
    func batchedProductsEqualSingleProducts(name: String) throws {
        let tensor = try tensor(name)
        let x = try activations(for: tensor)
        let vectors = (0..<9).map { shift in x.indices.map { x[($0 + 7 * shift) % x.count] * Float(shift + 1) } }
        let pool = ThreadPool(threadCount: 2)
        var batched: [Float] = []
        tensor.multiply(QuantizedBatch(vectors), into: &batched, pool: pool)
        let rowCount = tensor.info.rowCount
        for (index, vector) in vectors.enumerated() {
            var single: [Float] = []
            tensor.multiply(QuantizedVector(vector), into: &single, pool: pool)
            #expect(Array(batched[index * rowCount..<(index + 1) * rowCount]) == single, "\(name) vector \(index)")
        }
    }

    /// Q4_0 rows interleaved in groups of eight (the AVX2 build's layout for Q4_0 models): every build's group
    /// kernel gives the rows' own products up to float rounding, and a batch (four vectors at a time, then one)
    /// equals its vectors one by one exactly, whatever the thread count.
    @Test(arguments: [1, 3]) func groupedQ4_0RowsMatchTheRowKernel(threadCount: Int) throws {
        let tensor = try tensor("q4_0_rows24")
        let grouped = tensor.groupingRows(always: true)
        let groups = try #require(grouped.rowGroups)
        let x = try activations(for: tensor)
        let vectors = (0..<6).map { shift in x.indices.map { x[($0 + 5 * shift) % x.count] * Float(shift + 1) } }
        let pool = ThreadPool(threadCount: threadCount)
        var batched: [Float] = []
        grouped.multiply(QuantizedBatch(vectors), into: &batched, pool: pool)
        for (index, vector) in vectors.enumerated() {
            let quantized = QuantizedVector(vector)
            var single: [Float] = []
            grouped.multiply(quantized, into: &single, pool: pool)
            #expect(Array(batched[index * 24..<(index + 1) * 24]) == single, "vector \(index)")
            var byRow: [Float] = []
            tensor.multiply(quantized, into: &byRow, pool: pool)
            var portable = (0..<3).flatMap {
                groups.products(group: $0, quantized, kernels: InferenceKernels.IntegerKernels.self)
            }
            if KernelSelection.cpuSupportsAVX2 {
                portable += (0..<3).flatMap {
                    groups.products(group: $0, quantized, kernels: InferenceKernelsAVX2.IntegerKernels.self)
                }
            }
            for (row, found) in (single + portable).enumerated() {
                let expected = byRow[row % 24]
                #expect(
                    abs(found - expected) <= 1e-4 * max(1, abs(expected)),
                    "vector \(index) row \(row): \(found) vs \(expected)")
            }
        }
    }

    /// Several matrices with one input in one run of the pool (a layer's query, key and value) give what each
    /// gives alone.
    @Test func groupedProductsEqualSeparateProducts() throws {
        let tensors = try ["q4_0", "q4_1", "q8_0", "q4_k", "q5_0", "q5_1"].map { try tensor($0) }
        let x = try activations(for: tensors[0])
        let batch = QuantizedBatch([x, x.map { -2 * $0 }, x.reversed()])
        let pool = ThreadPool(threadCount: 3)
        let grouped = Tensor.multiply(tensors, batch, pool: pool)
        for (index, tensor) in tensors.enumerated() {
            var alone: [Float] = []
            tensor.multiply(batch, into: &alone, pool: ThreadPool(threadCount: 1))
            #expect(grouped[index] == alone, "\(tensor.info.name)")
        }
    }

    /// Runs back to back (the workers poll) and after pauses longer than the polling (they sleep): no task is lost
    /// or run twice. Eight threads on a small machine also get the caller preempted between publishing a job and
    /// waking the sleepers, which once gave a worker a stale wake-up (the suite hung under load; a stress test, not a
    /// deterministic reproduction).
    @Test(arguments: [3, 8]) func poolWakesItsWorkersWhetherTheyPollOrSleep(threadCount: Int) {
        let pool = ThreadPool(threadCount: threadCount)
        for round in 0..<3000 {
            let counts = Counts(5)
            pool.run(taskCount: 5) { counts.increment($0) }
            #expect(counts.values == [1, 1, 1, 1, 1], "round \(round)")
            if round % 50 == 0 { usleep(300) }
            if round % 7 == 0 { usleep(UInt32(round % 150)) }
        }
    }

    @Test func poolRunsEveryTaskExactlyOnce() {
        let pool = ThreadPool(threadCount: 3)
        for taskCount in [0, 1, 2, 3, 7, 100] {
            let counts = Counts(taskCount)
            pool.run(taskCount: taskCount) { counts.increment($0) }
            #expect(counts.values == [Int](repeating: 1, count: taskCount), "\(taskCount) tasks")
        }
    }
}

/// Per-task run counts, shared by the pool's threads.
private final class Counts: Sendable {
    private let storage: Mutex<[Int]>
    init(_ count: Int) { storage = Mutex([Int](repeating: 0, count: count)) }
    func increment(_ index: Int) { storage.withLock { $0[index] += 1 } }
    var values: [Int] { storage.withLock { $0 } }
}
