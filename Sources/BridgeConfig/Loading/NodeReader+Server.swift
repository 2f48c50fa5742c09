import Yams

extension NodeReader {
    /// `server:`; every key optional.
    mutating func server(_ node: Node?, at path: String) -> ServerSettings {
        var settings = ServerSettings()
        guard let node,
            let f = fields(
                node,
                at: path,
                allowed: [
                    "host", "port", "dataDir", "publicURL", "adminToken", "limits", "metrics", "log", "shutdownGrace",
                    "tls", "tracing",
                ]
            )
        else { return settings }
        if let host = string(f, "host") { settings.host = host }
        if let port = int(f, "port", in: 0...65535) { settings.port = port }
        if let dataDir = string(f, "dataDir") { settings.dataDir = dataDir }
        settings.publicURL = url(f, "publicURL")
        settings.adminToken = secret(f, "adminToken", required: false)
        if let limitsNode = f["limits"] { settings.limits = limits(limitsNode, at: f.path("limits")) }
        if let grace = duration(f, "shutdownGrace", atLeast: .seconds(1), atMost: .seconds(3600)) ?? nil {
            settings.shutdownGrace = grace
        }
        if let t = f["tls"], let tf = fields(t, at: f.path("tls"), allowed: ["certificate", "privateKey"]),
            let certificate = secret(tf, "certificate", required: true),
            let key = secret(tf, "privateKey", required: true)
        {
            settings.tls = TLSSettings(certificate: certificate, privateKey: key)
        }
        if let m = f["metrics"], let mf = fields(m, at: f.path("metrics"), allowed: ["enabled", "token", "port"]) {
            if let enabled = bool(mf, "enabled") { settings.metrics.enabled = enabled }
            settings.metrics.token = secret(mf, "token", required: false)
            settings.metrics.port = int(mf, "port", in: 0...65535)
        }
        if let l = f["log"], let lf = fields(l, at: f.path("log"), allowed: ["format", "level"]) {
            if let format: LogSettings.Format = choice(lf, "format") { settings.log.format = format }
            if let level: LogSettings.Level = choice(lf, "level") { settings.log.level = level }
        }
        if let t = f["tracing"] { settings.tracing = tracing(t, at: f.path("tracing")) }
        return settings
    }

    /// `server.tracing:`; every key optional.
    mutating func tracing(_ node: Node, at path: String) -> TracingSettings {
        var tracing = TracingSettings()
        let keys = ["enabled", "endpoint", "protocol", "serviceName", "sampleRatio"]
        guard let f = fields(node, at: path, allowed: keys) else { return tracing }
        if let enabled = bool(f, "enabled") { tracing.enabled = enabled }
        if let endpoint = url(f, "endpoint") { tracing.endpoint = endpoint }
        if let p: TracingSettings.OTLPProtocol = choice(f, "protocol") { tracing.otlpProtocol = p }
        if let name = string(f, "serviceName") { tracing.serviceName = name }
        if let text = string(f, "sampleRatio") {
            if let ratio = Double(text), (0...1).contains(ratio) {
                tracing.sampleRatio = ratio
            } else {
                report(
                    f.path("sampleRatio"),
                    "must be a number between 0 and 1, not '\(text)'",
                    at: f["sampleRatio"] ?? node
                )
            }
        }
        return tracing
    }

    /// `server.limits:`; every key optional.
    mutating func limits(_ node: Node, at path: String) -> LimitSettings {
        var limits = LimitSettings()
        let keys = ["maxBodyBytes", "maxResults", "defaultPageSize", "bulkMaxOperations", "bulkMaxPayloadBytes"]
        guard let f = fields(node, at: path, allowed: keys) else { return limits }
        let gib = 1 << 30
        if let v = int(f, "maxBodyBytes", in: 1024...gib) { limits.maxBodyBytes = v }
        if let v = int(f, "maxResults", in: 1...100_000) { limits.maxResults = v }
        if let v = int(f, "defaultPageSize", in: 1...100_000) { limits.defaultPageSize = v }
        if let v = int(f, "bulkMaxOperations", in: 1...100_000) { limits.bulkMaxOperations = v }
        if let v = int(f, "bulkMaxPayloadBytes", in: 1024...gib) { limits.bulkMaxPayloadBytes = v }
        if limits.defaultPageSize > limits.maxResults {
            report(
                f.path("defaultPageSize"),
                "must not exceed maxResults (\(limits.maxResults)), is \(limits.defaultPageSize)",
                at: f["defaultPageSize"] ?? node
            )
        }
        return limits
    }
}
