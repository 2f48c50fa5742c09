import Synchronization

/// Records the SQL statements run, so tests can assert what was (not) read.
package final class StatementLog: Sendable {
    private let lines = Mutex<[String]>([])
    package init() {}
    package func record(_ sql: String) { lines.withLock { $0.append(sql) } }
    package func reset() { lines.withLock { $0.removeAll() } }
    package var all: [String] { lines.withLock { $0 } }
}
