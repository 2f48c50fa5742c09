import Foundation
import NIOHTTP1
package import SCIM

extension HTTPTransport {
    /// Every resource of a SCIM list endpoint, read with index paging (RFC 7644 §3.4.2.4) in pages of
    /// `pageSize`, until `totalResults` is reached or a page comes back empty.
    package func listAll(_ endpoint: String, pageSize: Int) async throws -> [JSONValue] {
        var all: [JSONValue] = []
        var start = 1
        while true {
            let r = try await send(.GET, "\(endpoint)?startIndex=\(start)&count=\(pageSize)")
            let page = r.body?["Resources"]?.arrayValue ?? []
            all += page
            start += page.count
            if page.isEmpty || start > Int(r.body?["totalResults"]?.integerValue ?? 0) { return all }
        }
    }
}

extension HTTPTransport {
    /// Every item of an OData collection (Microsoft Graph), read page by page: `value` holds a page and
    /// `@odata.nextLink` the absolute URL of the next one, followed as given until there is none.
    package func listAll(followingNextLinks path: String) async throws -> [JSONValue] {
        var all: [JSONValue] = []
        var next: String? = path
        while let current = next {
            let r = try await send(.GET, current)
            all += r.body?["value"]?.arrayValue ?? []
            next = try r.body?["@odata.nextLink"]?.stringValue.map(relativePath(ofLink:))
        }
        return all
    }

    /// A link the target answered, as a path below this transport's base URL. A link to the same API
    /// path on another host (the answer of a proxy or an emulator) is followed here all the same.
    func relativePath(ofLink link: String) throws(TargetError) -> String {
        if link.hasPrefix(baseURL) { return String(link.dropFirst(baseURL.count)) }
        guard let url = URLComponents(string: link), let base = URLComponents(string: baseURL),
            url.percentEncodedPath.hasPrefix(base.percentEncodedPath)
        else {
            throw .permanent(status: 502, detail: "The next page's link \(link) is not below \(baseURL)")
        }
        return String(url.percentEncodedPath.dropFirst(base.percentEncodedPath.count))
            + (url.percentEncodedQuery.map { "?\($0)" } ?? "")
    }
}
