import Foundation
import NIOSSL
import PostgresNIO

/// Where and how `PostgresStore` connects: parsed from a `postgres://` URL, as operators write it.
package struct PostgresStoreConfiguration: Sendable, Hashable {
    /// How the connection is encrypted (the libpq `sslmode` values the bridge supports).
    package enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP (a database on loopback or a private network).
        case disable
        /// TLS, without checking the server's certificate.
        case require
        /// TLS, with the certificate checked against the system's roots and the host name.
        case verifyFull = "verify-full"

        var clientTLS: PostgresClient.Configuration.TLS {
            switch self {
            case .disable:
                return .disable
            case .require:
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.certificateVerification = .none
                return .require(tls)
            case .verifyFull:
                return .require(.makeClientConfiguration())
            }
        }

        /// The same, for a connection of its own outside the pool.
        func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
            switch self {
            case .disable:
                return .disable
            case .require:
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.certificateVerification = .none
                return .require(try NIOSSLContext(configuration: tls))
            case .verifyFull:
                return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        }
    }

    package var host: String
    package var port: Int
    package var username: String
    package var password: String?
    package var database: String?
    package var tls: TLSMode
    /// Most connections the pool opens.
    package var poolSize: Int
    /// The schema every connection works in (its `search_path`); nil: the server's default (`public`).
    package var schema: String?
    package var connectTimeout: Duration

    package init(
        host: String,
        port: Int = 5432,
        username: String,
        password: String? = nil,
        database: String? = nil,
        tls: TLSMode = .disable,
        poolSize: Int = 10,
        schema: String? = nil,
        connectTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.poolSize = poolSize
        self.schema = schema
        self.connectTimeout = connectTimeout
    }

    /// Reads `postgres://user:password@host:port/database` (or `postgresql://`); an `sslmode` query item
    /// (`disable`, `require`, `verify-full`) sets `tls` when `tls` is nil. The error says what is wrong
    /// without repeating the URL (it may hold a password).
    package init(url: String, tls: TLSMode? = nil, poolSize: Int = 10) throws {
        guard let u = URLComponents(string: url), u.scheme == "postgres" || u.scheme == "postgresql" else {
            throw ConfigurationProblem("is not a postgres:// URL (postgres://user:password@host:port/database)")
        }
        guard let host = u.host, !host.isEmpty else { throw ConfigurationProblem("names no host") }
        guard let user = u.user, !user.isEmpty else { throw ConfigurationProblem("names no user") }
        let database = u.path.hasPrefix("/") ? String(u.path.dropFirst()) : u.path
        var mode = tls
        if mode == nil, let sslmode = u.queryItems?.first(where: { $0.name == "sslmode" })?.value {
            guard let m = TLSMode(rawValue: sslmode) else {
                throw ConfigurationProblem(
                    "has sslmode=\(sslmode); use one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            mode = m
        }
        self.init(
            host: host,
            port: u.port ?? 5432,
            username: user.removingPercentEncoding ?? user,
            password: u.password.map { $0.removingPercentEncoding ?? $0 },
            database: database.isEmpty ? nil : database,
            tls: mode ?? .disable,
            poolSize: poolSize
        )
    }

    /// Why a URL cannot be used.
    package struct ConfigurationProblem: Error, Sendable, CustomStringConvertible {
        package var description: String
        init(_ description: String) { self.description = "the URL " + description }
    }
}

extension PostgresStoreConfiguration {
    /// A connection of its own, outside any pool, with the same server, credentials and schema.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var own = PostgresConnection.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: try tls.connectionTLS()
        )
        if let schema { own.options.additionalStartupParameters = [("options", "-c search_path=\(schema)")] }
        own.options.connectTimeout = .nanoseconds(
            Int64(connectTimeout.components.seconds) * 1_000_000_000 + connectTimeout.components.attoseconds
                / 1_000_000_000
        )
        return own
    }
}
