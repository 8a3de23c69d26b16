// edge-bench: measures our implementations against a peer in the same run. `edge-bench <name>`.
#if canImport(Glibc)
    import Glibc
#endif

let benchmarks: [String: () -> Void] = [
    "abi-logs": runABILogBenchmark,
    "keccak": runKeccakBenchmark,
    "trie-proofs": runTrieProofBenchmark,
]

let arguments = CommandLine.arguments.dropFirst()
guard let name = arguments.first, let run = benchmarks[name] else {
    print("usage: edge-bench <\(benchmarks.keys.sorted().joined(separator: "|"))>")
    exit(2)
}
run()
