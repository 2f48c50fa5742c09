/// The message schema URNs of RFC 7644 §3.4.2, §3.4.3 and §3.7.
public enum MessageSchema {
    /// `urn:ietf:params:scim:api:messages:2.0:ListResponse` (§3.4.2).
    public static let listResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    /// `urn:ietf:params:scim:api:messages:2.0:SearchRequest` (§3.4.3).
    public static let searchRequest = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
    /// `urn:ietf:params:scim:api:messages:2.0:BulkRequest` (§3.7).
    public static let bulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
    /// `urn:ietf:params:scim:api:messages:2.0:BulkResponse` (§3.7).
    public static let bulkResponse = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"

    /// Checks that a message's `schemas` is an array of strings holding `urn` (case-insensitive);
    /// other problems are 400 `invalidSyntax` naming the expected URN.
    static func require(_ urn: String, in message: JSONObject, messageName: String) throws(SCIMError) {
        guard let schemas = message["schemas"] else {
            throw .invalidSyntax("A \(messageName) needs \"schemas\": [\"\(urn)\"].")
        }
        guard case .array(let list) = schemas, list.allSatisfy({ $0.stringValue != nil }) else {
            throw .invalidSyntax("'schemas' must be an array of strings, here [\"\(urn)\"].")
        }
        guard list.contains(where: { caseInsensitiveEquals($0.stringValue!, urn) }) else {
            throw .invalidSyntax("'schemas' must contain \"\(urn)\" for a \(messageName).")
        }
    }
}
