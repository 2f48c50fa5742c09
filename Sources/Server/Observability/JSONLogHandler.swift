import Foundation
package import Logging
import SCIM

/// A swift-log handler writing one JSON object per line to standard output (`server.log.format:
/// json`): `time`, `level`, `logger`, `message` and the metadata's keys (`requestId`, `channel`,
/// `target`, `resource`, …). A metadata key that names a credential (`token`, `password`, `secret`,
/// `authorization`) has its value replaced, as a last guard: the bridge never logs one. With tracing on,
/// a metadata provider adds the current span's `trace_id` and `span_id`.
package struct JSONLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .info
    let label: String
    let write: @Sendable ([UInt8]) -> Void
    package var metadataProvider: Logger.MetadataProvider?

    package init(
        label: String,
        metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable ([UInt8]) -> Void = JSONLogHandler.standardOutput
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var o: JSONObject = [
            "time": .string(Self.timestamp()), "level": .string(event.level.rawValue), "logger": .string(label),
            "message": .string("\(event.message)"),
        ]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for (key, value) in merged { o[key] = Self.redacted(key) ? "[redacted]" : Self.json(value) }
        var bytes = JSONValue.object(o).serializedBytes(sortedKeys: true)
        bytes.append(UInt8(ascii: "\n"))
        write(bytes)
    }

    static func redacted(_ key: String) -> Bool {
        let k = key.lowercased()
        return ["token", "password", "secret", "authorization", "privatekey", "credential"].contains { k.contains($0) }
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let s): .string(s)
        case .stringConvertible(let c): .string(c.description)
        case .array(let a): .array(a.map(json))
        case .dictionary(let d):
            .object(d.reduce(into: JSONObject()) { o, pair in o[pair.key] = json(pair.value) })
        }
    }

    static func timestamp() -> String {
        Date().formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)
        )
    }

    /// Writes whole lines to standard output, one `write` each, so that lines of concurrent tasks never interleave.
    package static let standardOutput: @Sendable ([UInt8]) -> Void = { bytes in
        bytes.withUnsafeBytes { p in
            var offset = 0
            while offset < p.count {
                let n = Foundation.write(1, p.baseAddress! + offset, p.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }
}
