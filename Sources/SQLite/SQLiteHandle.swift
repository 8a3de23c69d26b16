// The only file that imports CSQLite: an owned connection handle, an owned statement, and the one place that turns
// SQLite result codes into `SQLiteError`. Everything else in the module works with Swift values.
import CSQLite

/// The error for `resultCode`, with the connection's message when there is a connection.
private func makeError(_ resultCode: Int32, _ connection: OpaquePointer?) -> SQLiteError {
    // Sound: both functions return NUL-terminated strings owned by SQLite; they are copied at once.
    let message =
        if let connection = unsafe connection {
            unsafe String(cString: sqlite3_errmsg(connection))
        } else {
            unsafe String(cString: sqlite3_errstr(resultCode))
        }
    return SQLiteError(code: SQLiteError.Code(rawValue: resultCode), message: message)
}

/// Maps a SQLite result code to success or a thrown `SQLiteError` carrying the connection's error message.
private func check(_ resultCode: Int32, _ connection: OpaquePointer?) throws(SQLiteError) {
    switch resultCode {
    case SQLITE_OK, SQLITE_ROW, SQLITE_DONE: return
    default: throw unsafe makeError(resultCode, connection)
    }
}

/// One open `sqlite3*`; closed when the last reference goes away. Not thread-safe: callers serialize access.
// @safe: the pointer never leaves this file, is non-nil from init to deinit, and is closed exactly once.
@safe final class SQLiteHandle {
    /// The raw connection; valid from a successful init until deinit.
    fileprivate let raw: OpaquePointer
    /// Prepared statements by SQL text, reused across calls (parsing dominates small statements).
    private var statements: [String: Statement] = [:]
    /// Most statements kept; beyond it the cache is cleared (the SQL a program runs is a small fixed set).
    static let statementCacheLimit = 128
    /// Prepared statements of `SQL` values, at their numbers (found without hashing the text).
    private var numberedStatements: [Statement?] = []
    /// `SQL` values numbered from here on use the text-keyed cache (a program that made `SQL` values per call).
    static let numberedStatementLimit = 256

    /// Opens (and with `create`, creates) the database at `path`, reporting extended result codes.
    init(path: String, create: Bool) throws(SQLiteError) {
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        if create { flags |= SQLITE_OPEN_CREATE }
        var connection: OpaquePointer? = nil
        // Sound: `path` is bridged to a C string that lives for the call; `connection` outlives it.
        let resultCode = unsafe sqlite3_open_v2(path, &connection, flags, nil)
        guard resultCode == SQLITE_OK, let opened = unsafe connection else {
            // A failed open may still allocate a handle (to carry the message); it must be closed.
            let error = unsafe makeError(resultCode == SQLITE_OK ? SQLITE_CANTOPEN : resultCode, connection)
            unsafe sqlite3_close_v2(connection)
            throw error
        }
        unsafe raw = opened
        unsafe sqlite3_extended_result_codes(raw, 1)
    }

    deinit {
        // close_v2 defers the real close until every statement is finalized; statements hold this handle anyway.
        unsafe sqlite3_close_v2(raw)
        // No commit can run any more (nothing can step a statement of a handle being destroyed), so the hook's
        // context is released after the close, as `onCommit` retained it.
        if let context = unsafe commitHookContext { unsafe Unmanaged<CommitHook>.fromOpaque(context).release() }
    }

    /// The retained `CommitHook` that SQLite's WAL hook gets as its context; nil until `onCommit` is set.
    private var commitHookContext: UnsafeMutableRawPointer?

    /// Calls `body` with the number of frames in the WAL after each commit on this connection (SQLite's WAL hook).
    /// It runs on the committing thread right after the commit, so it must be quick; it replaces
    /// `wal_autocheckpoint` (which uses the same hook), so never set that pragma afterwards. Set once.
    func onCommit(_ body: @escaping @Sendable (_ walFrames: Int) -> Void) {
        precondition(unsafe commitHookContext == nil, "the commit hook is set once")
        let context = unsafe Unmanaged.passRetained(CommitHook(body)).toOpaque()
        unsafe commitHookContext = context
        // Sound: the context stays retained until deinit, after the connection closed; the C function only turns
        // it back into the hook (unretained) and calls it.
        _ = unsafe sqlite3_wal_hook(
            raw,
            { context, _, _, frames in
                guard let context = unsafe context else { return SQLITE_OK }
                unsafe Unmanaged<CommitHook>.fromOpaque(context).takeUnretainedValue().body(Int(frames))
                return SQLITE_OK
            }, context)
    }

    /// A prepared statement for `sql`, from the cache or newly prepared; `nil` for SQL without a statement.
    /// The caller must `reset()` it when done (so it holds no read lock and no bindings).
    func statement(for sql: String) throws(SQLiteError) -> Statement? {
        if let cached = statements[sql] { return cached }
        guard let prepared = try Statement.prepare(sql, on: self) else { return nil }
        if statements.count >= Self.statementCacheLimit { statements.removeAll() }
        statements[sql] = prepared
        return prepared
    }

    /// The prepared statement for `sql`, found by its number; `nil` for SQL without a statement.
    /// The caller must `reset()` it when done.
    func statement(for sql: SQL) throws(SQLiteError) -> Statement? {
        let number = sql.number
        guard number < Self.numberedStatementLimit else { return try statement(for: sql.text) }
        if number < numberedStatements.count, let cached = numberedStatements[number] { return cached }
        guard let prepared = try Statement.prepare(sql.text, on: self) else { return nil }
        if numberedStatements.count <= number {
            numberedStatements += repeatElement(nil, count: number + 1 - numberedStatements.count)
        }
        numberedStatements[number] = prepared
        return prepared
    }

    /// Runs one or more SQL statements without bindings or results (migrations, PRAGMAs).
    func executeScript(_ sql: String) throws(SQLiteError) {
        // Sound: `sql` is bridged to a C string for the call; no callback or error buffer is passed.
        try unsafe check(sqlite3_exec(raw, sql, nil, nil, nil), raw)
    }

    /// Rowid of the most recent successful INSERT on this connection.
    var lastInsertRowID: Int64 { unsafe sqlite3_last_insert_rowid(raw) }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
    var changes: Int { Int(unsafe sqlite3_changes64(raw)) }

    /// Whether a transaction is open (SQLite is not in autocommit mode).
    var isInTransaction: Bool { unsafe sqlite3_get_autocommit(raw) == 0 }
}

/// The Swift function behind a connection's WAL hook, boxed so that SQLite can hold it as a C pointer.
private final class CommitHook: Sendable {
    let body: @Sendable (Int) -> Void

    init(_ body: @escaping @Sendable (Int) -> Void) { self.body = body }
}

/// One prepared statement; finalized in deinit. Holds its connection alive.
// @safe: the statement pointer never leaves this file and is finalized exactly once, before its connection closes.
@safe final class Statement {
    /// Unowned: the handle caches its statements, and a statement is only used through its handle.
    private unowned let handle: SQLiteHandle
    private let raw: OpaquePointer

    /// Column names of the result set, in order.
    let columnNames: [String]

    /// Prepares exactly one statement; `nil` when `sql` holds only whitespace or comments.
    static func prepare(_ sql: String, on handle: SQLiteHandle) throws(SQLiteError) -> Statement? {
        var text = sql
        var first: OpaquePointer? = nil
        var second: OpaquePointer? = nil
        var resultCode = SQLITE_OK
        // Sound: the UTF-8 buffer and the tail pointer into it are only used inside the closure.
        text.withUTF8 { utf8 in
            guard let base = utf8.baseAddress, utf8.count > 0 else { return }
            precondition(utf8.count < Int(Int32.max), "SQL text too long")
            let start = unsafe UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
            var tail: UnsafePointer<CChar>? = nil
            resultCode = unsafe sqlite3_prepare_v2(handle.raw, start, Int32(utf8.count), &first, &tail)
            guard resultCode == SQLITE_OK, let tail = unsafe tail else { return }
            let remaining = utf8.count - (unsafe tail - start)
            if remaining > 0 {
                resultCode = unsafe sqlite3_prepare_v2(handle.raw, tail, Int32(remaining), &second, nil)
            }
        }
        if unsafe second != nil {
            unsafe sqlite3_finalize(first)
            unsafe sqlite3_finalize(second)
            throw SQLiteError(code: .misuse, message: "more than one statement; use executeScript for scripts")
        }
        guard resultCode == SQLITE_OK else {
            let error = unsafe makeError(resultCode, handle.raw)
            unsafe sqlite3_finalize(first)
            throw error
        }
        guard let prepared = unsafe first else { return nil }
        return unsafe Statement(handle: handle, raw: prepared)
    }

    private init(handle: SQLiteHandle, raw: OpaquePointer) {
        self.handle = handle
        unsafe self.raw = raw
        let count = unsafe sqlite3_column_count(raw)
        columnNames = (0..<count).map { index in
            // Sound: the name is a NUL-terminated string owned by the statement; it is copied at once.
            guard let name = unsafe sqlite3_column_name(raw, index) else { return "" }
            return unsafe String(cString: name)
        }
    }

    deinit {
        unsafe sqlite3_finalize(raw)
    }

    /// Ends the current execution and clears the bindings, ready for reuse.
    func reset() {
        unsafe sqlite3_reset(raw)
        unsafe sqlite3_clear_bindings(raw)
    }

    /// Binds `values` to the statement's parameters 1...n; the count must match the SQL's placeholders.
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        let expected = Int(unsafe sqlite3_bind_parameter_count(raw))
        guard values.count == expected else {
            throw SQLiteError(code: .range, message: "statement has \(expected) parameters, \(values.count) bound")
        }
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    private func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        let resultCode: Int32
        switch value {
        case .null:
            resultCode = unsafe sqlite3_bind_null(raw, index)
        case .integer(let integer):
            resultCode = unsafe sqlite3_bind_int64(raw, index, integer)
        case .real(let real):
            resultCode = unsafe sqlite3_bind_double(raw, index, real)
        case .text(let text) where text.isEmpty:
            // Sound: a static empty C string; a NULL pointer would bind SQL NULL instead of ''.
            resultCode = unsafe sqlite3_bind_text64(raw, index, "", 0, csqlite_transient(), UInt8(SQLITE_UTF8))
        case .text(var text):
            // Sound: SQLITE_TRANSIENT makes SQLite copy the bytes before the buffer goes away.
            resultCode = text.withUTF8 { utf8 in
                let start = unsafe UnsafeRawPointer(utf8.baseAddress!).assumingMemoryBound(to: CChar.self)
                return unsafe sqlite3_bind_text64(
                    raw, index, start, UInt64(utf8.count), csqlite_transient(), UInt8(SQLITE_UTF8))
            }
        case .blob(let bytes) where bytes.isEmpty:
            // A NULL data pointer would bind SQL NULL; an empty blob is a zero-length zeroblob.
            resultCode = unsafe sqlite3_bind_zeroblob(raw, index, 0)
        case .blob(let bytes):
            // Sound: SQLITE_TRANSIENT makes SQLite copy the bytes before the buffer goes away.
            resultCode = unsafe bytes.withUnsafeBytes { buffer in
                unsafe sqlite3_bind_blob64(raw, index, buffer.baseAddress, UInt64(buffer.count), csqlite_transient())
            }
        }
        try unsafe check(resultCode, handle.raw)
    }

    /// Advances to the next row: `true` when a row is available, `false` when the statement is done.
    func step() throws(SQLiteError) -> Bool {
        let resultCode = unsafe sqlite3_step(raw)
        switch resultCode {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw unsafe makeError(resultCode, handle.raw)
        }
    }

    /// The values of the current row, valid after `step()` returned `true`.
    func currentValues() -> [SQLiteValue] {
        (0..<Int32(columnNames.count)).map(value(at:))
    }

    private func value(at column: Int32) -> SQLiteValue {
        switch unsafe sqlite3_column_type(raw, column) {
        case SQLITE_INTEGER:
            return .integer(unsafe sqlite3_column_int64(raw, column))
        case SQLITE_FLOAT:
            return .real(unsafe sqlite3_column_double(raw, column))
        case SQLITE_TEXT:
            // Sound: the pointer is valid until the next step/reset; the bytes are copied into a String at once.
            guard let text = unsafe sqlite3_column_text(raw, column) else { return .text("") }
            let count = Int(unsafe sqlite3_column_bytes(raw, column))
            return .text(unsafe String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            // Sound: as for text; a zero-length blob comes back as a NULL pointer.
            guard let blob = unsafe sqlite3_column_blob(raw, column) else { return .blob([]) }
            let count = Int(unsafe sqlite3_column_bytes(raw, column))
            return .blob(unsafe Array(UnsafeRawBufferPointer(start: blob, count: count)))
        default:
            return .null
        }
    }
}

// Extended codes are `primary | (n << 8)` as sqlite3.h defines them (its macros are too complex for Swift to import).
extension SQLiteError.Code {
    /// Generic SQL error, including syntax errors and missing tables (SQLITE_ERROR).
    public static let error = Self(rawValue: SQLITE_ERROR)
    /// The database file is locked by another connection (SQLITE_BUSY).
    public static let busy = Self(rawValue: SQLITE_BUSY)
    /// A table in the database is locked (SQLITE_LOCKED).
    public static let locked = Self(rawValue: SQLITE_LOCKED)
    /// Attempt to write a read-only database or a `query_only` connection (SQLITE_READONLY).
    public static let readOnly = Self(rawValue: SQLITE_READONLY)
    /// The database file is malformed (SQLITE_CORRUPT).
    public static let corrupt = Self(rawValue: SQLITE_CORRUPT)
    /// The database or disk is full (SQLITE_FULL).
    public static let full = Self(rawValue: SQLITE_FULL)
    /// The database file could not be opened (SQLITE_CANTOPEN).
    public static let cantOpen = Self(rawValue: SQLITE_CANTOPEN)
    /// A constraint was violated (SQLITE_CONSTRAINT).
    public static let constraint = Self(rawValue: SQLITE_CONSTRAINT)
    /// The library was used incorrectly (SQLITE_MISUSE).
    public static let misuse = Self(rawValue: SQLITE_MISUSE)
    /// A bind index or parameter count is out of range (SQLITE_RANGE).
    public static let range = Self(rawValue: SQLITE_RANGE)
    /// The file is not a database (SQLITE_NOTADB).
    public static let notADatabase = Self(rawValue: SQLITE_NOTADB)
    /// A UNIQUE constraint failed (SQLITE_CONSTRAINT_UNIQUE).
    public static let constraintUnique = Self(rawValue: SQLITE_CONSTRAINT | (8 << 8))
    /// A PRIMARY KEY constraint failed (SQLITE_CONSTRAINT_PRIMARYKEY).
    public static let constraintPrimaryKey = Self(rawValue: SQLITE_CONSTRAINT | (6 << 8))
    /// A FOREIGN KEY constraint failed (SQLITE_CONSTRAINT_FOREIGNKEY).
    public static let constraintForeignKey = Self(rawValue: SQLITE_CONSTRAINT | (3 << 8))
    /// A NOT NULL constraint failed (SQLITE_CONSTRAINT_NOTNULL).
    public static let constraintNotNull = Self(rawValue: SQLITE_CONSTRAINT | (5 << 8))
    /// A CHECK constraint failed (SQLITE_CONSTRAINT_CHECK).
    public static let constraintCheck = Self(rawValue: SQLITE_CONSTRAINT | (1 << 8))
}
