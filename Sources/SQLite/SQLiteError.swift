/// A failed SQLite call: the (extended) result code and SQLite's message. Never contains bound arguments.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A SQLite result code; extended codes keep their primary code in the low byte.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The numeric SQLite result code.
        public let rawValue: Int32

        /// Wraps a numeric SQLite result code.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// The primary result code (e.g. `.constraint` for `.constraintUnique`).
        public var primary: Code { Code(rawValue: rawValue & 0xFF) }

        /// The number, as SQLite documents it.
        public var description: String { String(rawValue) }
    }

    /// The extended result code.
    public let code: Code
    /// SQLite's error message (`sqlite3_errmsg`), or a message from this module for misuse it detects.
    public let message: String

    /// Creates an error from a code and message.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// Whether a UNIQUE, PRIMARY KEY, FOREIGN KEY, NOT NULL or CHECK constraint failed.
    public var isConstraintViolation: Bool { code.primary == .constraint }

    /// "SQLite error <code>: <message>".
    public var description: String { "SQLite error \(code.rawValue): \(message)" }
}

/// Why `Database.migrate` refused or failed.
public enum MigrationError: Error, Sendable, Hashable {
    /// The database was written by newer code: its `user_version` is above every migration this build knows.
    case databaseNewerThanCode(databaseVersion: Int, latestKnownVersion: Int)
    /// A migration's SQL failed; its transaction was rolled back and `user_version` is still below `version`.
    case migrationFailed(version: Int, error: SQLiteError)
}
