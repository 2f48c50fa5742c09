package import SCIM

/// The smallest valid resources, as the store takes them (store-level tests).
package enum StoredBodies {
    package static func user(_ userName: String) -> JSONObject {
        ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": .string(userName)]
    }

    package static func group(_ displayName: String) -> JSONObject {
        ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": .string(displayName)]
    }
}

/// Request bodies used across tests.
package enum Bodies {
    package static func user(_ userName: String, email: String? = nil, active: Bool = true) -> JSONValue {
        var o: JSONObject = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": .string(userName),
            "name": ["givenName": "Test", "familyName": .string(userName)],
            "active": .bool(active),
        ]
        if let email { o["emails"] = [["value": .string(email), "type": "work", "primary": true]] }
        return .object(o)
    }

    package static func group(_ name: String, members: [String] = []) -> JSONValue {
        var o: JSONObject = ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": .string(name)]
        if !members.isEmpty { o["members"] = .array(members.map { ["value": .string($0)] }) }
        return .object(o)
    }

    package static func patch(_ operations: [JSONValue]) -> JSONValue {
        ["schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": .array(operations)]
    }
}
