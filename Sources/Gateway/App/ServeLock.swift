import Glibc

/// An exclusive `flock` on `<state directory>/serve.lock`, held while a router serves from that directory.
///
/// A router fails the tasks a crash left open when it starts (`TaskStore.failInterruptedTasks`); a second router
/// on the same directory would fail the first one's tasks in flight. So the second one stops at start instead. The
/// kernel drops the lock when the process ends, `kill -9` included, so a restart after a crash is not blocked.
final class ServeLock: Sendable {
    /// Why the lock was not taken.
    enum Failure: Error, CustomStringConvertible {
        /// Another process holds it: a router is serving from `directory`.
        case inUse(directory: String)
        /// The lock file could not be opened or locked (`errno`).
        case unavailable(path: String, errno: Int32)

        var description: String {
            switch self {
            case .inUse(let directory):
                "state directory \(directory) is in use by another cortensor-edge serve (its serve.lock is held)"
            case .unavailable(let path, let code):
                "cannot lock \(path): \(unsafe String(cString: strerror(code)))"
            }
        }
    }

    private let descriptor: Int32

    /// Takes the lock of `stateDirectory` (which must exist), or throws without waiting.
    init(stateDirectory: String) throws(Failure) {
        let path = stateDirectory + "/serve.lock"
        // Sound: `path` is bridged to a NUL-terminated C string that lives for the call.
        let descriptor = unsafe open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .unavailable(path: path, errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            throw code == EWOULDBLOCK ? .inUse(directory: stateDirectory) : .unavailable(path: path, errno: code)
        }
        self.descriptor = descriptor
    }

    /// Gives the lock back (closing the file drops it).
    deinit {
        close(descriptor)
    }
}
