internal import Foundation

/// A directory-object reference as Graph takes it in `members@odata.bind` and in the `@odata.id` of
/// `POST /groups/{id}/members/$ref`: `https://graph.microsoft.com/v1.0/directoryObjects/{id}` (or
/// `/users/{id}`, `/groups/{id}`; on any host, so that the emulator's own URLs work too). Pure.
public enum MSGraphReference {
    /// The object id a reference URL names, nil when it is not such a URL.
    public static func objectID(_ url: String) -> String? {
        guard let components = URLComponents(string: url), components.scheme == "https" || components.scheme == "http"
        else { return nil }
        let segments = components.percentEncodedPath.split(separator: "/").map {
            String($0).removingPercentEncoding ?? String($0)
        }
        guard segments.count >= 3, segments[segments.count - 3].lowercased() == "v1.0",
            ["directoryobjects", "users", "groups"].contains(segments[segments.count - 2].lowercased())
        else { return nil }
        return segments[segments.count - 1]
    }

    /// The most references one request may add (`members@odata.bind`; research/targets.md §F).
    public static let maximumPerRequest = 20

    /// The ids of a list of references, checked as Graph checks an add: at most 20, each a valid URL,
    /// none twice.
    static func objectIDs(_ urls: [String], property: String) throws(MSGraphError) -> [String] {
        guard urls.count <= maximumPerRequest else {
            throw .badRequest(
                "Too many references in one request: \(urls.count) for '\(property)'; you can add up to only 20 members at a time."
            )
        }
        var ids: [String] = []
        for url in urls {
            guard let id = objectID(url) else {
                throw .badRequest("Invalid URL format specified in @odata.bind for \(property)")
            }
            guard !ids.contains(where: { $0.lowercased() == id.lowercased() }) else {
                throw .badRequest(
                    "The object '\(id)' can only be present once as an add/remove change for the following modified properties: '\(property)'."
                )
            }
            ids.append(id)
        }
        return ids
    }
}
