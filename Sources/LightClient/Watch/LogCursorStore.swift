public import SQLite

/// Watcher cursors in the router's SQLite database, one per watcher name: the next block and the kept hashes,
/// saved together in one transaction.
public struct LogCursorStore: Sendable {
    /// The tables, for the owner's migration list (the router has one database).
    public static let schema = """
        CREATE TABLE log_watch_cursors (
            name TEXT PRIMARY KEY,
            next_block INTEGER NOT NULL CHECK (next_block >= 0)
        ) WITHOUT ROWID;
        CREATE TABLE log_watch_blocks (
            name TEXT NOT NULL REFERENCES log_watch_cursors (name) ON DELETE CASCADE,
            number INTEGER NOT NULL CHECK (number >= 0),
            hash BLOB NOT NULL CHECK (length(hash) = 32),
            PRIMARY KEY (name, number)
        ) WITHOUT ROWID;
        """

    /// The database holding `schema`'s tables.
    public let database: Database

    /// A store over `database`, which must already have `schema`'s tables.
    public init(database: Database) {
        self.database = database
    }

    /// The cursor saved under `name`, or `nil` if none was.
    public func load(_ name: String) throws -> LogWatchCursor? {
        try database.read { connection in
            guard
                let row = try connection.queryFirst(
                    "SELECT next_block FROM log_watch_cursors WHERE name = ?", [.text(name)])
            else { return nil }
            let blocks = try connection.query(
                "SELECT number, hash FROM log_watch_blocks WHERE name = ? ORDER BY number", [.text(name)]
            ).compactMap { row -> BlockID? in
                guard let number = row.int("number"), let hash = row.blob("hash") else { return nil }
                return BlockID(number: UInt64(number), hash: hash)
            }
            return LogWatchCursor(nextBlock: UInt64(row.int("next_block") ?? 0), recentBlocks: blocks)
        }
    }

    /// Replaces the cursor saved under `name` with `cursor`, atomically.
    public func save(_ cursor: LogWatchCursor, as name: String) throws {
        let numbers = [cursor.nextBlock] + cursor.recentBlocks.map(\.number)
        if let tooLarge = numbers.first(where: { $0 > UInt64(Int64.max) }) {
            throw LogWatchError.blockNumberTooLarge(tooLarge)
        }
        try database.write { connection in
            try connection.execute(
                "INSERT INTO log_watch_cursors (name, next_block) VALUES (?, ?) "
                    + "ON CONFLICT (name) DO UPDATE SET next_block = excluded.next_block",
                [.text(name), .integer(Int64(cursor.nextBlock))])
            try connection.execute("DELETE FROM log_watch_blocks WHERE name = ?", [.text(name)])
            for block in cursor.recentBlocks {
                try connection.execute(
                    "INSERT INTO log_watch_blocks (name, number, hash) VALUES (?, ?, ?)",
                    [.text(name), .integer(Int64(block.number)), .blob(block.hash)])
            }
        }
    }
}
