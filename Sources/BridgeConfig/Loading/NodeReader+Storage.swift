import Yams

extension NodeReader {
    /// `storage:`: `sqlite` (the default), or a mapping `{ postgres: { url, poolSize, tls, claimLease },
    /// outboxRetention }`, which without `postgres` is SQLite.
    mutating func storage(_ node: Node?, at path: String) -> (settings: StorageSettings, outboxRetention: Duration?) {
        let defaults: (settings: StorageSettings, outboxRetention: Duration?) = (
            .sqlite, BridgeConfiguration.defaultOutboxRetention
        )
        guard let node else { return defaults }
        if case .scalar(let scalar) = node {
            if scalar.string != "sqlite" {
                report(path, "must be sqlite or a mapping with the key postgres, not '\(scalar.string)'", at: node)
            }
            return defaults
        }
        guard let f = fields(node, at: path, allowed: ["postgres", "outboxRetention"]) else { return defaults }
        var retention: Duration? = defaults.outboxRetention
        if case .some(let value) = duration(
            f,
            "outboxRetention",
            atLeast: .seconds(3600),
            atMost: .seconds(3650 * 86_400),
            allowOff: true
        ) {
            retention = value
        }
        guard let p = f["postgres"] else { return (.sqlite, retention) }
        guard let pf = fields(p, at: f.path("postgres"), allowed: ["url", "poolSize", "tls", "claimLease"]),
            let url = secret(pf, "url", required: true)
        else { return (.sqlite, retention) }
        var settings = PostgresStorageSettings(url: url)
        if let size = int(pf, "poolSize", in: 1...1000) { settings.poolSize = size }
        settings.tls = choice(pf, "tls")
        if case .some(.some(let lease)) = duration(pf, "claimLease", atLeast: .seconds(1), atMost: .seconds(3600)) {
            settings.claimLease = lease
        }
        return (.postgres(settings), retention)
    }
}
