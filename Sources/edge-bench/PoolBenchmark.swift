import Inference
import System

/// The round-trip cost of `ThreadPool.run` with empty tasks: what each mat-vec pays to wake and join the threads.
struct PoolBenchmark {
    let rounds = 20000

    func run(threadCounts: [Int]) {
        print("threads  rounds  µs/run mean  µs/run best-of-100")
        for threadCount in threadCounts {
            let pool = ThreadPool(threadCount: threadCount)
            let clock = ContinuousClock()
            var best = Double.infinity
            let start = clock.now
            for _ in 0..<rounds / 100 {
                let batchStart = clock.now
                for _ in 0..<100 { pool.run(taskCount: threadCount * 4) { _ in } }
                best = min(best, microseconds(clock.now - batchStart) / 100)
            }
            let mean = microseconds(clock.now - start) / Double(rounds)
            print(pad("\(threadCount)", 9) + pad("\(rounds)", 8) + pad(fixed(mean, 2), 13) + fixed(best, 2))
        }
    }

    private func microseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }
}
