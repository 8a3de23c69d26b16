import Testing

@testable import SQLite

/// The database file's space: a page cap SQLite enforces (writes refused with SQLITE_FULL, reads and deletes go on),
/// incremental vacuum that shrinks the file after deletes, and the one VACUUM that turns it on for an old file.
@Suite struct DatabaseSpaceTests {
    /// 200 rows of 8 KiB (about 1.6 MB).
    static func fill(_ database: Database, rows: Int = 200) throws {
        try database.write { connection in
            try connection.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v BLOB)")
            for _ in 0..<rows {
                try connection.execute("INSERT INTO t (v) VALUES (?)", [.blob([UInt8](repeating: 7, count: 8192))])
            }
        }
    }

    @Test func aNewFileVacuumsIncrementallyAfterDeletes() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: directory.file("a.sqlite3"))
        try Self.fill(database)
        #expect(try database.enableIncrementalVacuum() == false)  // new files have it already
        let full = try database.pageCounts()
        try database.write { try $0.execute("DELETE FROM t") }
        let emptied = try database.pageCounts()
        #expect(emptied.pages == full.pages && emptied.freePages > 350)
        #expect(try database.vacuumIncrementally(pages: 100) == 100)
        #expect(try database.pageCounts().freePages == emptied.freePages - 100)
        try database.checkpoint()
        #expect(database.fileSizes().database <= (full.pages - 100) * full.pageSize)
    }

    @Test func anOldFileGetsOneVacuumThenShrinks() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("old.sqlite3")
        do {
            // A file as this code made it before incremental vacuum.
            let handle = try SQLiteHandle(path: path, create: true)
            try handle.executeScript("PRAGMA auto_vacuum = NONE; PRAGMA journal_mode = WAL; CREATE TABLE t (x);")
        }
        do {
            let database = try Database(path: path)
            try database.write { try $0.execute("DROP TABLE t") }
            try Self.fill(database)
            try database.write { try $0.execute("DELETE FROM t WHERE id > 20") }
            #expect(try database.vacuumIncrementally(pages: 100) == 0)  // not possible yet
        }
        let database = try Database(path: path)
        #expect(try database.enableIncrementalVacuum(upToBytes: 4096) == false)  // too big to copy at a start
        #expect(try database.enableIncrementalVacuum())
        #expect(try database.enableIncrementalVacuum() == false)  // once
        #expect(try database.read { try $0.queryFirst("SELECT count(*) AS n FROM t")?.int("n") } == 20)
        try Self.fill(database)
        try database.write { try $0.execute("DELETE FROM t") }
        #expect(try database.vacuumIncrementally(pages: 50) == 50)
    }

    @Test func aPageCapRefusesGrowthButNotReadsOrDeletes() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: directory.file("cap.sqlite3"))
        try Self.fill(database, rows: 10)
        let cap = try database.limitFileSize(toBytes: 1 << 20)
        #expect(cap == 1 << 20)
        #expect {
            try Self.fill(database)
        } throws: { ($0 as? SQLiteError)?.code.primary == .full }
        #expect(database.lastWriteFoundDiskFull)
        #expect(try database.read { try $0.queryFirst("SELECT count(*) AS n FROM t")?.int("n") } == 10)
        try database.write { try $0.execute("DELETE FROM t WHERE id <= 5") }
        try Self.fill(database, rows: 5)  // the freed pages are reused under the cap
        #expect(try database.pageCounts().pages * 4096 <= 1 << 20)
    }
}
