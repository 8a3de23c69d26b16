import Synchronization

/// Numbers handed out to `SQL` values, one each, process-wide.
private let nextSQLNumber = Atomic<Int>(0)

/// SQL text with a number of its own, for statements that run on every request: a connection finds the statement
/// it prepared for it by that number, where a plain `String` is hashed and compared whole on every call.
///
/// Create each one once (a `static let`); every value made takes a slot in each connection's table of prepared
/// statements (past `SQLiteHandle.numberedStatementLimit` values, they share the text-keyed cache instead).
public struct SQL: Sendable {
    /// The statement's text (one statement, `?` parameters).
    public let text: String
    /// The slot of this statement in each connection's table.
    let number: Int

    /// Numbers `text`; call it once per statement, not per use.
    public init(_ text: String) {
        self.text = text
        number = nextSQLNumber.add(1, ordering: .relaxed).oldValue
    }

    /// `text` with a given number (tests: a number past the table, without using up the process's numbers).
    init(_ text: String, number: Int) {
        self.text = text
        self.number = number
    }
}
