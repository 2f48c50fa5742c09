import Emulators
import Foundation
import SCIM

/// The parts of Google's discovery document a contract test needs, loaded from the copy under
/// `conformance/specs/` (CI's clean clone has no `../shared`).
struct DiscoveryDocument {
    struct Method {
        var id: String
        var httpMethod: String
        var pattern: [String]  // path segments; "{name}" matches one segment
        var parameters: Set<String>
    }

    var servicePath: String
    var methods: [Method]
    var globalParameters: Set<String>

    static func load() throws -> DiscoveryDocument {
        let root = URL(fileURLWithPath: #filePath)  // Tests/ConnectorsTests/<file>
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent("conformance/specs/google-admin-directory-v1.discovery.json")
        let json = try JSONParser.parse(String(contentsOf: url, encoding: .utf8))
        var methods: [Method] = []
        for resource in ["users", "groups", "members"] {
            for (_, m) in json["resources"]?[resource]?["methods"]?.objectValue ?? [:] {
                guard let id = m["id"]?.stringValue, let http = m["httpMethod"]?.stringValue,
                    let path = m["path"]?.stringValue
                else { continue }
                methods.append(
                    Method(
                        id: id.replacingOccurrences(of: "directory.", with: ""),
                        httpMethod: http,
                        pattern: path.split(separator: "/").map(String.init),
                        parameters: Set(m["parameters"]?.objectValue?.keys ?? [])
                    )
                )
            }
        }
        return DiscoveryDocument(
            servicePath: json["servicePath"]?.stringValue ?? "",
            methods: methods,
            globalParameters: Set(json["parameters"]?.objectValue?.keys ?? [])
        )
    }

    /// The id of the method a recorded request is an instance of, if any.
    func method(for request: GoogleEmulator.RecordedRequest) -> String? {
        let segments = request.path.split(separator: "/").map(String.init)
        for m in methods where m.httpMethod == request.method && m.pattern.count == segments.count {
            let matches = zip(m.pattern, segments).allSatisfy { p, s in p.hasPrefix("{") ? !s.isEmpty : p == s }
            let declared = m.parameters.union(globalParameters)
            if matches, request.parameters.allSatisfy(declared.contains) { return m.id }
        }
        return nil
    }
}
