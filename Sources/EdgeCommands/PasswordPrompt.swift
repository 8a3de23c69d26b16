@unsafe import Glibc

/// Reads a password from the controlling terminal with echo turned off: the one place that touches termios.
enum PasswordPrompt {
    /// The line typed after `prompt` on /dev/tty, without its newline; nil when there is no terminal.
    static func read(prompt: String) -> String? {
        // Sound: the path literal is a NUL-terminated C string for the call.
        let terminal = unsafe open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard terminal >= 0 else { return nil }
        defer { close(terminal) }
        var saved = termios()
        // Sound: tcgetattr fills the local `saved`, alive for the call.
        guard unsafe tcgetattr(terminal, &saved) == 0 else { return nil }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)
        write(terminal, prompt)
        // Sound: both termios values are locals alive for the calls.
        guard unsafe tcsetattr(terminal, TCSAFLUSH, &silent) == 0 else { return nil }
        defer { _ = unsafe tcsetattr(terminal, TCSAFLUSH, &saved) }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        // Sound: read(2) writes one byte into the local `byte`.
        while unsafe Glibc.read(terminal, &byte, 1) == 1, byte != UInt8(ascii: "\n") {
            line.append(byte)
            if line.count > 4096 { return nil }
        }
        return String(decoding: line, as: UTF8.self)
    }

    private static func write(_ descriptor: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        // Sound: write(2) reads at most bytes.count bytes from the array, alive for the call.
        _ = unsafe bytes.withUnsafeMutableBytes { unsafe Glibc.write(descriptor, $0.baseAddress, $0.count) }
    }
}
