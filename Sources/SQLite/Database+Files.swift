// The only SQLite file that imports Glibc: the sizes of the database's files on disk.
import Glibc

extension Database {
    /// The bytes on disk of the database file, its write-ahead log and its shared-memory index.
    public struct FileSizes: Sendable, Equatable {
        /// The database file (`<path>`).
        public var database: Int64
        /// The write-ahead log (`<path>-wal`); 0 when there is none.
        public var wal: Int64
        /// The WAL's shared-memory index (`<path>-shm`); 0 when there is none.
        public var sharedMemory: Int64

        /// All three together: the database's footprint on disk.
        public var total: Int64 { database + wal + sharedMemory }
    }

    /// The sizes of the database's files now (all zero for an in-memory database). Each is one `stat`: cheap
    /// enough for a status page or a scrape, not for every commit.
    public func fileSizes() -> FileSizes {
        guard walLimitBytes > 0 else { return FileSizes(database: 0, wal: 0, sharedMemory: 0) }
        return FileSizes(
            database: Self.size(ofFile: path), wal: Self.size(ofFile: path + "-wal"),
            sharedMemory: Self.size(ofFile: path + "-shm"))
    }

    /// The size of the file at `path`, or 0 when it does not exist.
    private static func size(ofFile path: String) -> Int64 {
        var status = stat()
        // Sound: `path` is bridged to a NUL-terminated C string for the call; `status` is a live local it fills.
        guard unsafe stat(path, &status) == 0 else { return 0 }
        return Int64(status.st_size)
    }
}
