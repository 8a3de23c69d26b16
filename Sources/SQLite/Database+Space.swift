/// The database file's pages: how much of the file holds data, how much is free, and the two levers that keep it
/// within a byte budget (a page limit SQLite enforces itself, and incremental vacuum to hand free pages back).
extension Database {
    /// Pages of the database file as of the last commit.
    public struct PageCounts: Sendable, Equatable {
        /// Bytes per page.
        public var pageSize: Int64
        /// Pages in the file.
        public var pages: Int64
        /// Pages on the free list (left by deletes; reused before the file grows, returned by incremental vacuum).
        public var freePages: Int64

        /// Bytes of pages that hold data.
        public var usedBytes: Int64 { (pages - freePages) * pageSize }
        /// Bytes of free pages inside the file.
        public var freeBytes: Int64 { freePages * pageSize }
    }

    /// The page counts now (one read transaction, three pragmas).
    public func pageCounts() throws -> PageCounts {
        try read { connection in
            let size = try connection.queryFirst("PRAGMA page_size")?.int("page_size") ?? 4096
            let pages = try connection.queryFirst("PRAGMA page_count")?.int("page_count") ?? 0
            let free = try connection.queryFirst("PRAGMA freelist_count")?.int("freelist_count") ?? 0
            return PageCounts(pageSize: size, pages: pages, freePages: min(free, pages))
        }
    }

    /// Caps the database file at `bytes` (rounded down to whole pages, at least one): a write that would grow it
    /// further fails with `SQLITE_FULL` while reads and deletes go on. SQLite never sets the cap below the pages
    /// the file has now, so call it again once vacuum shrank the file; returns the cap in force, in bytes.
    @discardableResult
    public func limitFileSize(toBytes bytes: Int64) throws -> Int64 {
        try writer.withConnection { connection in
            let size = try connection.queryFirst("PRAGMA page_size")?.int("page_size") ?? 4096
            let pages = max(1, bytes / size)
            let granted = try connection.queryFirst("PRAGMA max_page_count = \(pages)")?.int("max_page_count") ?? pages
            return granted * size
        }
    }

    /// Makes deletes returnable to the filesystem: switches a database made without incremental auto-vacuum to it,
    /// which takes one VACUUM (a copy of the file, so it needs that much free space and runs once, at start).
    /// A file over `upToBytes` is left as it is, so a start never spends minutes copying (its deletes are then
    /// reused inside the file instead). Returns whether it ran the VACUUM; a failure (a full disk) leaves the
    /// database as it was.
    @discardableResult
    public func enableIncrementalVacuum(upToBytes limit: Int64 = 256 << 20) throws -> Bool {
        guard walLimitBytes > 0, fileSizes().database <= limit else { return false }
        return try writer.withConnection { connection in
            guard try connection.queryFirst("PRAGMA auto_vacuum")?.int("auto_vacuum") != Self.incrementalVacuumMode
            else { return false }
            try connection.execute("PRAGMA auto_vacuum = INCREMENTAL")
            try connection.execute("VACUUM")
            return true
        }
    }

    /// SQLite's `auto_vacuum` value for INCREMENTAL.
    static let incrementalVacuumMode: Int64 = 2

    /// Returns up to `pages` free pages to the filesystem (the file shrinks); holds the writer for that long only.
    /// Returns the pages freed.
    @discardableResult
    public func vacuumIncrementally(pages: Int) throws -> Int64 {
        guard pages > 0 else { return 0 }
        return try write { connection in
            let before = try connection.queryFirst("PRAGMA freelist_count")?.int("freelist_count") ?? 0
            try connection.execute("PRAGMA incremental_vacuum(\(pages))")
            let after = try connection.queryFirst("PRAGMA freelist_count")?.int("freelist_count") ?? 0
            return max(0, before - after)
        }
    }
}
