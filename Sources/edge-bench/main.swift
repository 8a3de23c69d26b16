// edge-bench: micro-benchmarks for development, not part of the shipped product.
//
//   edge-bench matvec FILE.gguf [THREADS...]   mat-vec throughput per tensor type (GB/s of weights streamed)
//   edge-bench info FILE.gguf                  version, metadata count, tensors per type
//   edge-bench pool [THREADS...]               the round-trip cost of one ThreadPool.run
//   edge-bench keccak                          Keccak-256 MB/s vs OpenSSL's SHA3-256 on the same 64 MiB
//   edge-bench trie-proofs                     storage-proof-like verifications per second
//   edge-bench abi-logs                        ABI event logs decoded per second
import Glibc
import Inference

/// Prints `message` and exits with status 2.
func fail(_ message: String) -> Never {
    print("edge-bench: \(message)")
    exit(2)
}

func threadCount(_ text: String) -> Int {
    guard let count = Int(text), count >= 1 else { fail("not a thread count: \(text)") }
    return count
}

func open(_ path: String) -> GGUFFile {
    do {
        return try GGUFFile(contentsOfFile: path)
    } catch {
        fail("\(path): \(error)")
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "matvec":
    guard arguments.count >= 2 else { fail("usage: edge-bench matvec FILE.gguf [THREADS...]") }
    let threads = arguments.dropFirst(2).map(threadCount)
    MatVecBenchmark(file: open(arguments[1])).run(threadCounts: threads.isEmpty ? [1, 2] : threads)
case "info":
    guard arguments.count == 2 else { fail("usage: edge-bench info FILE.gguf") }
    printInfo(open(arguments[1]))
case "pool":
    let threads = arguments.dropFirst().map(threadCount)
    PoolBenchmark().run(threadCounts: threads.isEmpty ? [1, 2] : threads)
case "keccak":
    runKeccakBenchmark()
case "trie-proofs":
    runTrieProofBenchmark()
case "abi-logs":
    runABILogBenchmark()
default:
    fail("usage: edge-bench <matvec|info|pool|keccak|trie-proofs|abi-logs> ...")
}
