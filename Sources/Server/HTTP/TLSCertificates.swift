package import BridgeConfig
package import Logging
import NIOCore
package import NIOSSL
package import ServiceLifecycle
import Synchronization

/// The certificate chain and key HTTPS is served with (`server.tls`), read again when their files
/// change: every TLS handshake takes the pair current at that moment (through NIOSSL's per-handshake
/// context callback), so a renewal by cert-manager or certbot needs no restart. A pair that does not
/// read or parse is logged and the previous one kept. A `Service`: it polls the files.
package final class TLSCertificates: Service, Sendable {
    struct Pair {
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey
        /// The PEM texts the pair was made from, to notice a change.
        var source: String
    }

    let settings: TLSSettings
    let interval: Duration
    let logger: Logger
    private let current: Mutex<Pair>

    /// Reads the pair now: a certificate or key that cannot be read stops start-up.
    package init(_ settings: TLSSettings, checkEvery interval: Duration = .seconds(10), logger: Logger) throws {
        self.settings = settings
        self.interval = interval
        self.logger = logger
        self.current = Mutex(try Self.read(settings))
    }

    /// The TLS configuration of the server: TLS 1.2 or later, the current pair on every handshake.
    package var serverConfiguration: TLSConfiguration {
        let pair = current.withLock { $0 }
        var c = TLSConfiguration.makeServerConfiguration(
            certificateChain: pair.chain.map { .certificate($0) },
            privateKey: .privateKey(pair.key)
        )
        c.minimumTLSVersion = .tlsv12
        c.sslContextCallback = { [self] _, promise in
            let pair = self.current.withLock { $0 }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = pair.chain.map { .certificate($0) }
            override.privateKey = .privateKey(pair.key)
            promise.succeed(override)
        }
        return c
    }

    /// Reads the files again; a changed pair that parses replaces the current one. Whether it changed.
    @discardableResult
    package func reload() -> Bool {
        do {
            let fresh = try Self.read(settings)
            return current.withLock { pair in
                guard pair.source != fresh.source else { return false }
                pair = fresh
                return true
            }
        } catch {
            logger.error(
                "TLS certificate or key could not be read; the previous pair stays in use",
                metadata: ["key": "server.tls", "error": "\(error)"]
            )
            return false
        }
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully {
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) } } catch { return }
            if reload() { logger.notice("TLS certificate reloaded", metadata: ["key": "server.tls"]) }
        }
    }

    static func read(_ settings: TLSSettings) throws -> Pair {
        let certificate = try settings.certificate.resolve()
        let key = try settings.privateKey.resolve()
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificate.utf8))
        guard !chain.isEmpty else { throw TLSFileError("server.tls.certificate holds no PEM certificate") }
        let privateKey = try NIOSSLPrivateKey(bytes: Array(key.utf8), format: .pem)
        return Pair(chain: chain, key: privateKey, source: certificate + "\u{0}" + key)
    }
}

/// A `server.tls` file that holds no usable certificate or key.
struct TLSFileError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
