import CSystemSQLite

/// The little of SQLite's C API the job store needs: statements with bound values, rows read by
/// column. Not thread-safe by itself; `LocalJobStore` serialises its use.
struct SQLiteConnection: ~Copyable {
    enum Value {
        case int(Int)
        case text(String)
    }

    struct Row {
        fileprivate let statement: OpaquePointer

        func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(statement, column)) }

        func text(_ column: Int32) -> String {
            sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
        }
    }

    private let handle: OpaquePointer
    private let path: String

    init(path: String) throws(LocalJobStoreError) {
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nil)
        guard code == SQLITE_OK, let opened else {
            let reason = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close(opened)
            throw LocalJobStoreError("cannot open the job database \(path): \(reason); check --worker-dir")
        }
        // Another process (a second worker by mistake, an admin's sqlite3) may hold the lock briefly.
        sqlite3_busy_timeout(opened, 5000)
        handle = opened
        self.path = path
    }

    deinit {
        sqlite3_close(handle)
    }

    func execute(_ sql: String, _ values: [Value] = []) throws(LocalJobStoreError) {
        _ = try query(sql, values) { _ in () }
    }

    func query<T>(_ sql: String, _ values: [Value] = [], _ read: (Row) -> T) throws(LocalJobStoreError) -> [T] {
        var prepared: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &prepared, nil) == SQLITE_OK, let statement = prepared else {
            throw failure()
        }
        defer { sqlite3_finalize(statement) }
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .int(let number): sqlite3_bind_int64(statement, position, sqlite3_int64(number))
            // SQLITE_TRANSIENT: SQLite copies the text, which only lives for this call.
            case .text(let text): sqlite3_bind_text(statement, position, text, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            }
        }
        var rows: [T] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW: rows.append(read(Row(statement: statement)))
            case SQLITE_DONE: return rows
            default: throw failure()
            }
        }
    }

    private func failure() -> LocalJobStoreError {
        LocalJobStoreError("the job database \(path) failed: \(String(cString: sqlite3_errmsg(handle))); "
            + "if it is damaged, move it away (the server re-sends running jobs)")
    }
}
