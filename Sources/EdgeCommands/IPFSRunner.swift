import Cache
import Gateway
import System

/// Runs `ipfs …` commands against a block store, writing results to the command output and file bytes to
/// standard output or files.
struct IPFSRunner {
    let store: BlockStore
    let completions: CompletionCache
    let output: CommandOutput

    func run(_ command: IPFSCommand) throws {
        switch command {
        case .add(let paths, let options, let pin, let quiet):
            for path in paths {
                let result = try add(path, options: options)
                if pin { try store.pin(result.root, recursive: true, checkingBlocks: false) }
                output.standardOutput(quiet ? "\(result.root)\n" : "added \(result.root) \(path == "-" ? "" : path)\n")
            }
        case .cat(let cid, let offset, let length):
            try copy(
                cid, range: offset..<(length.map { offset.addingReportingOverflow($0).partialValue } ?? .max), to: "-")
        case .get(let cid, let path):
            try copy(cid, range: nil, to: path ?? cid.description)
        case .pinAdd(let cid, let recursive):
            try store.pin(cid, recursive: recursive)
            output.standardOutput("pinned \(cid) \(recursive ? "recursively" : "directly")\n")
        case .pinRemove(let cid):
            guard try store.unpin(cid) else { throw IPFSCommandError.notPinned(cid) }
            output.standardOutput("unpinned \(cid)\n")
        case .pinList:
            for pin in try store.pins() {
                output.standardOutput("\(pin.cid) \(pin.recursive ? "recursive" : "direct")\n")
            }
        case .collectGarbage:
            let removed = try store.collectGarbage(downTo: 0)
            output.standardOutput("removed \(removed.removedBlocks) blocks (\(removed.removedBytes) bytes)\n")
        case .carImport(let paths):
            for path in paths { try importCAR(path) }
        case .carExport(let cid, let path):
            let file = try OutputFile(path: path ?? "-")
            try CARExport.write(root: cid, fetch: { try store.get($0) }, sink: { try file.write($0[...]) })
        case .cacheStats:
            let stats = try completions.stats()
            output.standardOutput("entries \(stats.entries)\nbytes \(stats.bytes)\n")
        case .cacheClear:
            let before = try completions.stats().entries
            try completions.clear()
            output.standardOutput("cleared \(before) entries\n")
        case .stats:
            let stats = try store.stats()
            output.standardOutput(
                "blocks \(stats.blocks)\nbytes \(stats.bytes)\npins \(stats.pins)\nquota \(stats.quotaBytes.map(String.init) ?? "none")\n"
            )
        }
    }

    private func add(_ path: String, options: UnixFSImporter.Options) throws -> UnixFSImporter.Result {
        let file = try InputFile(path: path)
        var progress = Progress(name: path, total: file.regularFileSize, output: output)
        var importer = store.fileImporter(options: options)
        while true {
            let bytes = try file.read(upTo: options.chunkSize)
            if bytes.isEmpty { break }
            try importer.write(bytes)
            progress.advance(by: bytes.count)
        }
        progress.finish()
        return try importer.finish()
    }

    private func importCAR(_ path: String) throws {
        let file = try InputFile(path: path)
        var reader = try CARReader(maximumBlockBytes: store.settings.maxBlockBytes) { count in
            try file.read(upTo: count)
        }
        let (blocks, bytes) = try store.importBlocks(from: &reader)
        output.standardOutput("imported \(blocks) blocks (\(bytes) bytes) from \(path == "-" ? "stdin" : path)\n")
        for root in reader.roots {
            try store.pin(root, recursive: true)
            output.standardOutput("pinned \(root)\n")
        }
    }

    private func copy(_ cid: CID, range: Range<UInt64>?, to path: String) throws {
        let reader = UnixFSReader { cid in try store.get(cid) }
        let file = try OutputFile(path: path)
        try reader.read(cid, range: range) { bytes in try file.write(bytes) }
    }
}

/// Why an `ipfs` command failed, beyond the store's own errors.
enum IPFSCommandError: Error, CustomStringConvertible {
    case notPinned(CID)

    var description: String {
        switch self {
        case .notPinned(let cid): "\(cid) is not pinned"
        }
    }
}

/// A progress line on standard error for large transfers, only when it is a terminal: bytes, rate, time left.
struct Progress {
    private let name: String
    private let total: UInt64?
    private let output: CommandOutput
    private let enabled: Bool
    private let start = ContinuousClock.now
    private var done: UInt64 = 0
    private var lastShown = ContinuousClock.now

    init(name: String, total: UInt64?, output: CommandOutput) {
        self.name = name
        self.total = total
        self.output = output
        enabled = OutputFile.isTerminal(2) && (total ?? .max) >= 8 << 20
    }

    mutating func advance(by count: Int) {
        done += UInt64(count)
        guard enabled, ContinuousClock.now - lastShown >= .milliseconds(250) else { return }
        lastShown = .now
        output.standardError("\r\(line())\u{1B}[K")
    }

    func finish() {
        if enabled { output.standardError("\r\(line())\u{1B}[K\n") }
    }

    private func line() -> String {
        let seconds = max((ContinuousClock.now - start).seconds, 0.001)
        let rate = Double(done) / seconds
        var text = "\(name): \(Self.megabytes(Double(done))) MB, \(Self.megabytes(rate)) MB/s"
        if let total, rate > 0, total > done { text += ", \(Int(Double(total - done) / rate)) s left" }
        return text
    }

    private static func megabytes(_ bytes: Double) -> String {
        let tenths = Int((bytes / 100_000).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
