public import Foundation
public import GRDB

/// What one source (the host, or one plugin) holds about a person: rows, by table.
///
/// Each table is read by a query its owner writes (``append(_:sql:arguments:in:)``), the same
/// rows its `forget` erases. A table with no rows is listed all the same, so an export shows
/// what was looked at. Reading is bounded: at most ``rowLimit`` rows and ``byteLimit`` bytes of
/// text and blobs per source; a table cut short is named in ``truncated``.
public struct PersonData: Sendable, Equatable, Encodable {
    /// The most rows one source exports.
    public static let rowLimit = 10_000
    /// The most bytes of text and blobs one source exports (4 MiB).
    public static let byteLimit = 4 << 20

    /// The rows of each table, by table name; each row by column name.
    public private(set) var tables: [String: [[String: ExportedValue]]] = [:]
    /// The tables cut short by ``rowLimit`` or ``byteLimit``, sorted.
    public private(set) var truncated: [String] = []
    private var rowsLeft = rowLimit
    private var bytesLeft = byteLimit

    /// Nothing yet.
    public init() {}

    /// Whether no table holds a row.
    public var isEmpty: Bool { tables.values.allSatisfy(\.isEmpty) }

    /// How many rows all tables hold.
    public var rowCount: Int { tables.values.reduce(0) { $0 + $1.count } }

    /// Adds the rows `sql` selects as `table`; order them in `sql` (`ORDER BY` a key), so that
    /// exports of the same rows read the same.
    public mutating func append(
        _ table: String, sql: String, arguments: StatementArguments = StatementArguments(), in db: Database
    ) throws {
        var rows = tables[table] ?? []
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try cursor.next() {
            var values: [String: ExportedValue] = [:]
            var size = 0
            for (column, value) in row {
                let exported = ExportedValue(value)
                size += exported.byteCount
                values[column] = exported
            }
            guard rowsLeft > 0, size <= bytesLeft else {
                noteTruncated(table)
                break
            }
            rowsLeft -= 1
            bytesLeft -= size
            rows.append(values)
        }
        tables[table] = rows
    }

    private mutating func noteTruncated(_ table: String) {
        guard !truncated.contains(table) else { return }
        truncated.append(table)
        truncated.sort()
    }

    private enum CodingKeys: String, CodingKey { case tables, truncated }
}

/// One stored value of an exported row, as SQLite holds it.
public enum ExportedValue: Sendable, Equatable, Encodable {
    /// `NULL`.
    case null
    /// A whole number (times are often seconds since 1970 stored as reals).
    case integer(Int64)
    /// A real number.
    case real(Double)
    /// Text, or a blob that is valid UTF-8 (a stored update's JSON).
    case text(String)
    /// A blob that is not UTF-8, encoded as `{"base64": "…"}`.
    case blob(Data)

    /// The value of a database column.
    public init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let number): self = .integer(number)
        case .double(let number): self = .real(number)
        case .string(let text): self = .text(text)
        case .blob(let data):
            if let text = String(validating: data, as: UTF8.self) { self = .text(text) } else { self = .blob(data) }
        }
    }

    /// The bytes it stands for, counted against ``PersonData/byteLimit``; numbers count 8.
    var byteCount: Int {
        switch self {
        case .null: 1
        case .integer, .real: 8
        case .text(let text): text.utf8.count
        case .blob(let data): data.count
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .integer(let number): try container.encode(number)
        case .real(let number):
            // JSON has no NaN or infinity; SQLite stores neither from GRDB, but a file may hold one.
            if number.isFinite { try container.encode(number) } else { try container.encode("\(number)") }
        case .text(let text): try container.encode(text)
        case .blob(let data): try container.encode(["base64": data.base64EncodedString()])
        }
    }
}
