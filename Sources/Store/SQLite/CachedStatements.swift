import GRDB

// Statements of the store's hot paths run prepared from the connection's statement cache: GRDB's
// `execute(sql:)` and `fetchOne(db, sql:)` compile the SQL (and run the authorizer) on every call, which
// cost a user create more than the SQLite work of the insert. Only SQL with a fixed text belongs here;
// a text built per call (an `IN` list of varying length) would fill the cache.

extension Database {
    /// Runs one statement, prepared once per connection.
    func executeCached(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension DatabaseValueConvertible where Self: StatementColumnConvertible {
    /// `fetchOne(db, sql:arguments:)` with the statement prepared once per connection.
    static func fetchOne(
        _ db: Database,
        cached sql: String,
        arguments: StatementArguments = StatementArguments()
    ) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    /// `fetchAll(db, sql:arguments:)` with the statement prepared once per connection.
    static func fetchAll(
        _ db: Database,
        cached sql: String,
        arguments: StatementArguments = StatementArguments()
    ) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension Row {
    /// `fetchOne(db, sql:arguments:)` with the statement prepared once per connection.
    static func fetchOne(
        _ db: Database,
        cached sql: String,
        arguments: StatementArguments = StatementArguments()
    ) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    /// `fetchAll(db, sql:arguments:)` with the statement prepared once per connection.
    static func fetchAll(
        _ db: Database,
        cached sql: String,
        arguments: StatementArguments = StatementArguments()
    ) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}
