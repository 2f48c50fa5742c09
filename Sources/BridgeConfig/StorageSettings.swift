/// The `storage:` key: where the bridge keeps its data.
package enum StorageSettings: Sendable, Hashable {
    /// The embedded SQLite file in `server.dataDir` (the default): one process on one machine.
    case sqlite
    /// A PostgreSQL database, which several bridge processes may share.
    case postgres(PostgresStorageSettings)
}

/// `storage.postgres:`.
package struct PostgresStorageSettings: Sendable, Hashable {
    /// How the connection is encrypted: the values of libpq's `sslmode` the bridge supports.
    package enum TLS: String, Sendable, Hashable, CaseIterable {
        case disable
        case require
        case verifyFull = "verify-full"
    }

    /// `url`: a reference to a `postgres://user:password@host:port/database` URL (it holds a password).
    package var url: Secret
    /// `poolSize`: most connections one bridge process opens.
    package var poolSize: Int
    /// `tls`; nil: the URL's `sslmode`, else `disable` for a database on loopback and `verify-full` for any other.
    package var tls: TLS?
    /// `claimLease`: how long an outbox entry a replica claimed stays its own; a replica that dies
    /// mid-call leaves its claims to the others when this runs out.
    package var claimLease: Duration

    package init(url: Secret, poolSize: Int = 10, tls: TLS? = nil, claimLease: Duration = .seconds(120)) {
        self.url = url
        self.poolSize = poolSize
        self.tls = tls
        self.claimLease = claimLease
    }
}
