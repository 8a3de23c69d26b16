import Cache
import SQLite

extension APIError {
    /// 507: the state directory is full (its `[state] max_bytes`, or the disk) and nothing more could be freed;
    /// reads go on working, and `/readyz` says why.
    static let storageFull = APIError(
        status: 507, code: "storage_full",
        message: "the router's storage is full: the write was refused (reads still work); see /readyz")

    /// The error for a failed write of `what`: `storageFull` when the database or block store ran out of room,
    /// else 500 `storage_failed` (or `fallback`, for an API with its own code).
    static func storageFailure(_ error: any Error, what: String, fallback: APIError? = nil) -> APIError {
        if Self.isStorageFull(error) { return .storageFull }
        return fallback ?? APIError(status: 500, code: "storage_failed", message: "\(what) could not be recorded")
    }

    /// Whether `error` says there was no room to write (`SQLITE_FULL`, from the cap or the disk).
    static func isStorageFull(_ error: any Error) -> Bool {
        if let error = error as? SQLiteError { return error.code.primary == .full }
        if let error = error as? BlockStoreError { return error == .storageFull }
        return false
    }
}
