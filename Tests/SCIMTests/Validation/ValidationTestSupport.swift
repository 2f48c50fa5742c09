import Testing

@testable import SCIM

/// Small helpers shared by the validator tests.
enum ValidationTestSupport {
    /// A JSON object from text.
    static func object(_ text: String) throws -> JSONObject {
        try #require(JSONParser.parse(text).objectValue)
    }

    /// The error `body` throws, or `nil` when it succeeds.
    static func rejection(_ body: () throws(SCIMError) -> JSONObject) -> SCIMError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }
}
