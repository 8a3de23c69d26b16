public import SQLite

extension BlockStore {
    /// The block store's tables, for the owner's migration list (they share the router's one database).
    /// Blocks are keyed by multihash: two CIDs of the same bytes with different codecs share one row.
    public static let schema = """
        CREATE TABLE blocks (
            id INTEGER PRIMARY KEY,
            multihash BLOB NOT NULL UNIQUE,
            size INTEGER NOT NULL CHECK (size >= 0),
            last_used INTEGER NOT NULL,
            data BLOB NOT NULL
        );
        CREATE INDEX blocks_by_last_use ON blocks (last_used);
        CREATE TABLE block_totals (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 0),
            blocks INTEGER NOT NULL,
            bytes INTEGER NOT NULL
        );
        INSERT INTO block_totals VALUES (0, 0, 0);
        CREATE TABLE pins (
            cid BLOB PRIMARY KEY,
            recursive INTEGER NOT NULL CHECK (recursive IN (0, 1)),
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """

    /// A database with only the block store's tables (tests, tools): `schema` as migration 1.
    public static func migrations(version: Int = 1) -> [Migration] {
        [Migration(version: version, sql: schema)]
    }
}
