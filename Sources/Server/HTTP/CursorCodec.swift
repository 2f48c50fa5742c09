import Foundation
import SCIM

/// Cursors of RFC 9865 for this server: an opaque, URL-safe encoding of the next start index.
/// They never expire; a tampered or foreign cursor is `invalidCursor`.
enum CursorCodec {
    static func cursor(startIndex: Int) -> String {
        Data("i:\(startIndex)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func page(for c: CursorPage) throws -> IndexPage {
        guard let cursor = c.cursor, !cursor.isEmpty else { return IndexPage(startIndex: 1, count: c.count) }
        var b64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let text = String(data: data, encoding: .utf8), text.hasPrefix("i:"),
            let start = Int(text.dropFirst(2)), start >= 1
        else {
            throw SCIMError.invalidCursor()
        }
        return IndexPage(startIndex: start, count: c.count)
    }
}
