import Foundation
import Glibc

/// A fixture server process for the tests: started with its stdin held open (fixture servers exit when it closes,
/// i.e. when the test process ends), and the first line it prints (its port or ports) read back.
public final class FixtureProcess: Sendable {
    /// The first line the process printed, without the newline.
    public let firstLine: String
    private let process: Process
    private let stdin: Pipe

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `executable` with `arguments` and waits for its first line of output.
    public init(executable: String, arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        // Plain read(2), retried on EINTR: FileHandle.availableData traps when a signal interrupts it.
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        let descriptor = stdout.fileHandleForReading.fileDescriptor
        while !output.contains(UInt8(ascii: "\n")) {
            // Sound: read(2) writes at most `count` bytes into the buffer it is lent.
            let count = unsafe buffer.withUnsafeMutableBytes { unsafe Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) printed no line")
            }
            output += buffer[..<count]
        }
        let line = output.prefix { $0 != UInt8(ascii: "\n") }
        firstLine = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        self.process = process
        self.stdin = stdin
    }

    /// The whole numbers on the first line (a fixture server's ports).
    public var numbers: [Int] { firstLine.split(whereSeparator: \.isWhitespace).compactMap { Int($0) } }
}
