import Synchronization

/// A SQLite database: one serialized writer connection and a small pool of reader connections.
///
/// File databases run in WAL mode, so `read` closures see the last committed state and never wait for a writer.
/// Calling `write` from inside `write` (or, on an in-memory database, `read` from inside `write`) would wait on a
/// lock this thread already holds and traps; keep closures short and never await inside them.
public final class Database: Sendable {
    /// The file path, or ":memory:".
    public let path: String
    /// The one connection that writes (internal: `Database+Space` runs its pragmas on it).
    let writer: LockedConnection
    private let readers: [LockedConnection]
    private let nextReader: Atomic<UInt>
    /// Runs the checkpoints that keep the WAL near `walLimitBytes`; `nil` for in-memory databases.
    private let walCheckpointer: WALCheckpointer?
    /// Whether the last write transaction failed with `SQLITE_FULL` (cleared by the next one that commits).
    private let diskFullFlag = Atomic<Bool>(false)
    /// Write transactions that failed with `SQLITE_FULL` since the database was opened.
    private let diskFullCount = Atomic<Int>(0)
    /// The WAL size this database is kept near, in bytes; 0 for in-memory databases.
    public let walLimitBytes: Int64

    /// The default `walLimitBytes`: small next to an edge box's disk, large enough that checkpoints stay rare.
    public static let defaultWALLimitBytes: Int64 = 16 << 20
    /// The smallest `walLimitBytes` accepted: below it a checkpoint would run every few commits.
    public static let minimumWALLimitBytes: Int64 = 1 << 20

    /// Opens or creates the database file at `path` with WAL, synchronous=NORMAL, a 5 s busy timeout and foreign
    /// keys on, plus `readerCount` read-only connections for `read`. The WAL is kept near `walLimitBytes` (at
    /// least `minimumWALLimitBytes`) by background checkpoints, see `WALCheckpointSchedule`.
    public init(
        path: String, readerCount: Int = 2, walLimitBytes: Int64 = Database.defaultWALLimitBytes
    ) throws(SQLiteError) {
        precondition(readerCount >= 0, "readerCount must not be negative")
        let walLimitBytes = max(walLimitBytes, Self.minimumWALLimitBytes)
        let writerHandle = try SQLiteHandle(path: path, create: true)
        // Incremental auto-vacuum takes effect only in a new file, before the WAL header or a table is written; an
        // existing one needs a VACUUM once, see `enableIncrementalVacuum`.
        try writerHandle.executeScript("PRAGMA busy_timeout = 5000; PRAGMA auto_vacuum = INCREMENTAL;")
        let writerConnection = Connection(handle: writerHandle)
        let mode = try writerConnection.queryFirst("PRAGMA journal_mode = WAL")?.text("journal_mode")
        guard mode == "wal" else {
            throw SQLiteError(code: .cantOpen, message: "cannot enable WAL: journal_mode is \(mode ?? "unknown")")
        }
        // The writer never checkpoints (autocheckpoint off; `WALCheckpointer` does it in the background). When a
        // commit starts the WAL over, SQLite cuts the file back to the limit (journal_size_limit).
        try writerHandle.executeScript(
            """
            PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0;
            PRAGMA journal_size_limit = \(walLimitBytes);
            """)
        let pageSize = Int(try writerConnection.queryFirst("PRAGMA page_size")?.int("page_size") ?? 4096)
        var readers: [LockedConnection] = []
        for _ in 0..<readerCount {
            let readerHandle = try SQLiteHandle(path: path, create: false)
            try readerHandle.executeScript("PRAGMA busy_timeout = 5000; PRAGMA query_only = ON;")
            readers.append(LockedConnection(readerHandle))
        }
        let checkpointHandle = try SQLiteHandle(path: path, create: false)
        try checkpointHandle.executeScript("PRAGMA busy_timeout = 5000;")
        self.path = path
        self.writer = LockedConnection(writerHandle)
        self.readers = readers
        self.nextReader = Atomic(0)
        self.walLimitBytes = walLimitBytes
        let checkpointer = WALCheckpointer(
            writer: writer, checkpointer: LockedConnection(checkpointHandle),
            schedule: WALCheckpointSchedule(limitBytes: walLimitBytes, frameBytes: pageSize + Self.walFrameHeaderBytes))
        self.walCheckpointer = checkpointer
        // Weak: the writer's handle holds this closure, and the checkpointer holds the writer.
        writerHandle.onCommit { [weak checkpointer] frames in checkpointer?.committed(walFrames: frames) }
    }

    /// Bytes of header in front of each page in the WAL (SQLite's file format).
    static let walFrameHeaderBytes = 24

    /// Copies committed WAL frames into the database file without blocking writers or readers (a PASSIVE
    /// checkpoint, with its fsync) and returns how many frames the WAL holds and how many are now copied.
    /// Blocks for the disk's sync: call it from a background thread, not from a request path. (The database runs
    /// its own checkpoints; this is for tools and tests.)
    @discardableResult
    public func checkpoint() throws -> (walFrames: Int, checkpointed: Int) {
        try walCheckpointer?.passiveCheckpoint() ?? (0, 0)
    }

    /// The background checkpoints run so far (all zero for in-memory databases).
    var walCheckpointCounts: WALCheckpointer.Counts { walCheckpointer?.counts ?? .init() }

    /// Whether the last write transaction failed because the disk (or the database's size limit) was full;
    /// cleared by the next one that commits.
    public var lastWriteFoundDiskFull: Bool { diskFullFlag.load(ordering: .relaxed) }

    /// How many write transactions failed because the disk was full since the database was opened.
    public var diskFullWrites: Int { diskFullCount.load(ordering: .relaxed) }

    private init(inMemoryWith handle: SQLiteHandle) {
        path = ":memory:"
        walCheckpointer = nil
        walLimitBytes = 0
        writer = LockedConnection(handle)
        readers = []
        nextReader = Atomic(0)
    }

    /// A private in-memory database (for tests); `read` shares the single connection with `write`.
    public static func inMemory() throws(SQLiteError) -> Database {
        let handle = try SQLiteHandle(path: ":memory:", create: true)
        try handle.executeScript("PRAGMA foreign_keys = ON;")
        return Database(inMemoryWith: handle)
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction on the writer connection: commits when it returns,
    /// rolls back when it throws. Writers are serialized.
    public func write<T>(_ body: (Connection) throws -> T) throws -> T {
        try writing {
            try writer.withConnection { connection in
                try Self.transaction(on: connection, begin: Self.beginImmediate, body)
            }
        }
    }

    /// Runs a write transaction: first waits while the WAL is at its limit and a checkpoint runs (see
    /// `WALCheckpointer`), then records whether it failed for want of space (`lastWriteFoundDiskFull`).
    private func writing<T>(_ write: () throws -> T) throws -> T {
        walCheckpointer?.waitWhileHoldingWriters()
        do {
            let value = try write()
            if diskFullFlag.load(ordering: .relaxed) { diskFullFlag.store(false, ordering: .relaxed) }
            return value
        } catch let error as SQLiteError where error.code.primary == .full {
            diskFullFlag.store(true, ordering: .relaxed)
            diskFullCount.add(1, ordering: .relaxed)
            throw error
        }
    }

    /// `write` with foreign-key enforcement as `enforcingForeignKeys` says for this one transaction (SQLite ignores
    /// the pragma inside a transaction, so it is set before), restored after.
    func write<T>(enforcingForeignKeys: Bool, _ body: (Connection) throws -> T) throws -> T {
        try writing {
            try writer.withConnection { connection in
                let wasEnforcing = try connection.queryFirst("PRAGMA foreign_keys")?.int("foreign_keys") == 1
                guard wasEnforcing != enforcingForeignKeys else {
                    return try Self.transaction(on: connection, begin: Self.beginImmediate, body)
                }
                try connection.execute("PRAGMA foreign_keys = \(enforcingForeignKeys ? "ON" : "OFF")")
                let outcome = Result { try Self.transaction(on: connection, begin: Self.beginImmediate, body) }
                // Not `try?` in a `defer`: a connection left with the wrong setting must not go on silently.
                try connection.execute("PRAGMA foreign_keys = \(wasEnforcing ? "ON" : "OFF")")
                return try outcome.get()
            }
        }
    }

    /// Runs `body` in a read-only transaction on a reader connection; it sees one consistent committed snapshot.
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        guard !readers.isEmpty else {
            return try writer.withConnection { connection in
                try connection.execute("PRAGMA query_only = ON")
                defer { try? connection.execute("PRAGMA query_only = OFF") }
                return try Self.transaction(on: connection, begin: Self.beginDeferred, body)
            }
        }
        let ticket = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        let reader = readers[Int(ticket % UInt(readers.count))]
        return try reader.withConnection { connection in
            try Self.transaction(on: connection, begin: Self.beginDeferred, body)
        }
    }

    private static let beginImmediate = SQL("BEGIN IMMEDIATE")
    private static let beginDeferred = SQL("BEGIN DEFERRED")
    private static let commit = SQL("COMMIT")

    private static func transaction<T>(
        on connection: Connection, begin: SQL, _ body: (Connection) throws -> T
    ) throws -> T {
        try connection.execute(begin)
        do {
            let value = try body(connection)
            try connection.execute(Self.commit)
            return value
        } catch {
            // Some errors (e.g. SQLITE_FULL) already ended the transaction; only roll back one that is still open.
            if connection.handle.isInTransaction {
                try? connection.execute("ROLLBACK")
            }
            throw error
        }
    }
}

/// One connection and the lock that makes it single-threaded.
// @unchecked Sendable is sound: `handle` is only touched inside `lock.withLock`, so one thread at a time uses the
// connection (SQLITE_OPEN_NOMUTEX requires exactly that), and `Connection` cannot leave the closure for another task.
// (A `Mutex<SQLiteHandle>` cannot express this: lending its `inout sending` value to the caller's closure is
// rejected by region checking even though the closure is non-escaping.)
final class LockedConnection: @unchecked Sendable {
    private let lock = Mutex(())
    private let handle: SQLiteHandle

    init(_ handle: SQLiteHandle) {
        self.handle = handle
    }

    /// Runs `body` with the connection while holding its lock.
    func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        try lock.withLock { _ in try body(Connection(handle: handle)) }
    }
}
