internal import Hummingbird
internal import NIOCore
internal import SCIM

/// The JSON the `/_emulator/` endpoints take and give.
enum AdminJSON {
    /// The body as JSON whatever its Content-Type (`curl -d` sends a form type); empty is `{}`.
    static func body(of request: Request) async throws -> JSONValue {
        let buffer = try await request.body.collect(upTo: SCIMMessages.bodyLimit)
        guard buffer.readableBytes > 0 else { return .object(JSONObject()) }
        do {
            return try JSONParser.parse(buffer.readableBytesView)
        } catch {
            throw SCIMError.invalidSyntax("The request body is not valid JSON: \(error).")
        }
    }

    /// The objects of the array `name` in a body; absent or `null` is none.
    static func objects(_ value: JSONValue?, _ name: String) throws(SCIMError) -> [JSONObject] {
        guard let value, !value.isNull else { return [] }
        guard let array = value.arrayValue else { throw .invalidValue("'\(name)' must be an array of resources.") }
        var out: [JSONObject] = []
        for element in array {
            guard let o = element.objectValue else { throw .invalidValue("Each of '\(name)' must be a JSON object.") }
            out.append(o)
        }
        return out
    }

    /// The strings of the array `name` in a body, others skipped; absent is none.
    static func strings(_ value: JSONValue?) -> [String] {
        (value?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// `{"users": [...], "groups": [...]}`: what a seed created.
    static func created(users: [JSONObject], groups: [JSONObject]) -> JSONValue {
        ["users": .array(users.map(JSONValue.object)), "groups": .array(groups.map(JSONValue.object))]
    }
}
