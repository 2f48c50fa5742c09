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
