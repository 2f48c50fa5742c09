import Foundation

/// An `application/x-www-form-urlencoded` body, as the console's forms send it.
struct FormBody: Sendable {
    private let fields: [String: String]

    init(_ text: String) {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            guard let key = parts.first else { continue }
            fields[decode(key)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        self.fields = fields
    }

    subscript(_ key: String) -> String? { fields[key] }
}
