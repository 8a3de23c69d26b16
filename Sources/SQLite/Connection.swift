/// Access to one SQLite connection for the duration of a `Database.read` or `Database.write` closure.
///
/// A `Connection` is only valid inside the closure it was passed to: do not store it, return it or hand it to
/// another task (it is deliberately not `Sendable`). The connection is used by one thread at a time only because
/// the owning `Database` holds that connection's lock while the closure runs.
public struct Connection {
    let handle: SQLiteHandle

    init(handle: SQLiteHandle) { self.handle = handle }

    /// Runs one statement with `bindings` for its `?` parameters, discarding any result rows.
    public func execute(_ sql: String, _ bindings: [SQLiteValue] = []) throws(SQLiteError) {
        try Self.execute(handle.statement(for: sql), bindings)
    }

    /// `execute` for a statement prepared once per connection (see `SQL`).
    public func execute(_ sql: SQL, _ bindings: [SQLiteValue] = []) throws(SQLiteError) {
        try Self.execute(handle.statement(for: sql), bindings)
    }

    /// Runs one statement with `bindings` and returns all result rows.
    public func query(_ sql: String, _ bindings: [SQLiteValue] = []) throws(SQLiteError) -> [Row] {
        try Self.query(handle.statement(for: sql), bindings)
    }

    /// `query` for a statement prepared once per connection (see `SQL`).
    public func query(_ sql: SQL, _ bindings: [SQLiteValue] = []) throws(SQLiteError) -> [Row] {
        try Self.query(handle.statement(for: sql), bindings)
    }

    /// Runs one statement and returns its first row, or `nil` when it produced none.
    public func queryFirst(_ sql: String, _ bindings: [SQLiteValue] = []) throws(SQLiteError) -> Row? {
        try Self.queryFirst(handle.statement(for: sql), bindings)
    }

    /// `queryFirst` for a statement prepared once per connection (see `SQL`).
    public func queryFirst(_ sql: SQL, _ bindings: [SQLiteValue] = []) throws(SQLiteError) -> Row? {
        try Self.queryFirst(handle.statement(for: sql), bindings)
    }

    private static func execute(_ statement: Statement?, _ bindings: [SQLiteValue]) throws(SQLiteError) {
        guard let statement else { return }
        defer { statement.reset() }
        try statement.bind(bindings)
        while try statement.step() {}
    }

    private static func query(_ statement: Statement?, _ bindings: [SQLiteValue]) throws(SQLiteError) -> [Row] {
        guard let statement else { return [] }
        defer { statement.reset() }
        try statement.bind(bindings)
        var rows: [Row] = []
        while try statement.step() {
            rows.append(Row(columns: statement.columnNames, values: statement.currentValues()))
        }
        return rows
    }

    private static func queryFirst(_ statement: Statement?, _ bindings: [SQLiteValue]) throws(SQLiteError) -> Row? {
        guard let statement else { return nil }
        defer { statement.reset() }
        try statement.bind(bindings)
        guard try statement.step() else { return nil }
        return Row(columns: statement.columnNames, values: statement.currentValues())
    }

    /// Runs a script of several `;`-separated statements without bindings (schema changes).
    public func executeScript(_ sql: String) throws(SQLiteError) {
        try handle.executeScript(sql)
    }

    /// Rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 { handle.lastInsertRowID }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
    public var changes: Int { handle.changes }
}

@available(*, unavailable, message: "a Connection must stay inside its read/write closure")
extension Connection: Sendable {}
