/// One result row: column names and values in select order.
public struct Row: Sendable, Hashable {
    /// Column names in select order (shared by all rows of one query).
    public let columns: [String]
    /// Values in select order.
    public let values: [SQLiteValue]

    /// Creates a row; `columns` and `values` must have the same length.
    public init(columns: [String], values: [SQLiteValue]) {
        precondition(columns.count == values.count, "a row needs one value per column")
        self.columns = columns
        self.values = values
    }

    /// The value of the named column; asking for a column the query did not select is a programming error.
    public subscript(_ column: String) -> SQLiteValue {
        guard let index = columns.firstIndex(of: column) else {
            preconditionFailure("no column named \(column) in this row (columns: \(columns))")
        }
        return values[index]
    }

    /// The value at a zero-based column position.
    public subscript(_ index: Int) -> SQLiteValue { values[index] }

    /// The named column as an integer; `nil` unless it holds `.integer`.
    public func int(_ column: String) -> Int64? {
        if case .integer(let value) = self[column] { value } else { nil }
    }

    /// The named column as a double; `.integer` values convert, anything else is `nil`.
    public func double(_ column: String) -> Double? {
        switch self[column] {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    /// The named column as text; `nil` unless it holds `.text`.
    public func text(_ column: String) -> String? {
        if case .text(let value) = self[column] { value } else { nil }
    }

    /// The named column as bytes; `nil` unless it holds `.blob`.
    public func blob(_ column: String) -> [UInt8]? {
        if case .blob(let value) = self[column] { value } else { nil }
    }

    /// Whether the named column is SQL NULL.
    public func isNull(_ column: String) -> Bool { self[column] == .null }
}
