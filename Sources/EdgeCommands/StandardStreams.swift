// @preconcurrency: Glibc declares stdout/stderr as mutable C globals; see the soundness note below.
@preconcurrency @unsafe import Glibc

/// Where command output goes: the process's stdout/stderr, or a capture in tests.
public struct CommandOutput: Sendable {
    /// Writes text meant for standard output.
    public var standardOutput: @Sendable (String) -> Void
    /// Writes text meant for standard error.
    public var standardError: @Sendable (String) -> Void

    /// Creates an output from two writers.
    public init(
        standardOutput: @escaping @Sendable (String) -> Void, standardError: @escaping @Sendable (String) -> Void
    ) {
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// The process's standard output and standard error, written with `fputs` and flushed.
    public static let standard = CommandOutput(
        standardOutput: { StandardStreams.write($0, error: false) },
        standardError: { StandardStreams.write($0, error: true) }
    )
}

/// The one place that touches the C stdio streams.
enum StandardStreams {
    // Sound: libc initializes stdout/stderr before main and this program never reassigns them;
    // stdio locks the stream inside each fputs/fflush call.
    static func write(_ text: String, error: Bool) {
        let stream = unsafe error ? Glibc.stderr : Glibc.stdout
        unsafe fputs(text, stream)
        unsafe fflush(stream)
    }
}
