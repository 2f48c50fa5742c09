import Yams

extension NodeReader {
    /// `storage:`: `sqlite` (the default), or a mapping `{ postgres: { url, poolSize, tls, claimLease } }`.
    mutating func storage(_ node: Node?, at path: String) -> StorageSettings {
        guard let node else { return .sqlite }
        if case .scalar(let scalar) = node {
            guard scalar.string == "sqlite" else {
                report(path, "must be sqlite or a mapping with the key postgres, not '\(scalar.string)'", at: node)
                return .sqlite
            }
            return .sqlite
        }
        guard let f = fields(node, at: path, allowed: ["postgres"]) else { return .sqlite }
        guard let p = f["postgres"] else {
            missing("postgres", in: f, " (or write storage: sqlite)")
            return .sqlite
        }
        guard let pf = fields(p, at: f.path("postgres"), allowed: ["url", "poolSize", "tls", "claimLease"]),
            let url = secret(pf, "url", required: true)
        else { return .sqlite }
        var settings = PostgresStorageSettings(url: url)
        if let size = int(pf, "poolSize", in: 1...1000) { settings.poolSize = size }
        settings.tls = choice(pf, "tls")
        if case .some(.some(let lease)) = duration(pf, "claimLease", atLeast: .seconds(1), atMost: .seconds(3600)) {
            settings.claimLease = lease
        }
        return .postgres(settings)
    }
}
