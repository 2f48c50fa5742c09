import PostgresNIO
import SCIM
import _ConnectionPoolModule

extension PSQLError {
    /// The five-character SQLSTATE of a server error.
    var sqlState: String? { serverInfo?[.sqlState] }

    /// A conflict between concurrent transactions that running the transaction again resolves:
    /// `serialization_failure` or `deadlock_detected`.
    var isRetryableConflict: Bool { sqlState == "40001" || sqlState == "40P01" }
}

extension PostgresStore {
    /// The one place PostgreSQL failures become the store's errors: a unique violation is the 409
    /// `uniqueness` SQLite's checks give; a database that cannot be reached is `StoreUnavailable`
    /// (`503` with `Retry-After` inbound); anything else stays as it is (a `500`, its cause logged).
    static func mapped(_ error: any Error) -> any Error {
        if error is ConnectionPoolError {
            // The pool gave up connecting (its circuit breaker) or was shut down.
            return StoreUnavailable("\(error)")
        }
        guard let error = error as? PSQLError else { return error }
        switch error.code {
        case .server:
            let state = error.sqlState ?? ""
            if state == "23505" {
                // Two writes raced past the check before the insert (`checkUnique`): the index decides.
                let what =
                    switch error.serverInfo?[.constraintName] {
                    case "scim_user_by_user_name": "A User with this userName (compared case-insensitively)"
                    case "scim_group_by_display_name": "A Group with this displayName (compared case-insensitively)"
                    case "channel_name_key": "A channel with this name"
                    default: "A resource with this unique value"
                    }
                return SCIMError.uniqueness("\(what) already exists in this channel.")
            }
            // Class 08 (connection exception), 57P01..57P03 (shutdown, cannot connect now), 53300 (too many connections).
            if state.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(state) {
                return StoreUnavailable("PostgreSQL answered \(state): \(error.serverInfo?[.message] ?? "")")
            }
            return error
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown,
            .sslUnsupported, .failedToAddSSLHandler:
            return StoreUnavailable("\(error.code)")
        default:
            return error
        }
    }
}
