import Testing

@testable import SCIM

/// Resources and schemas shared by the query, message and bulk tests.
enum QueryFixtures {
    static let user = SchemaRegistry.standard.resourceSchema(for: "User")!
    static let group = SchemaRegistry.standard.resourceSchema(for: "Group")!

    static func object(_ text: String) throws -> JSONObject {
        let v = try JSONParser.parse(text)
        guard case .object(let o) = v else { throw FixtureError.notAnObject }
        return o
    }

    enum FixtureError: Error { case notAnObject }

    /// A user with default, never-returned, multi-valued, complex and extension attributes.
    static let bjensen = """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
          "id": "2819c223-7f76-453a-919d-413861904646",
          "externalId": "701984",
          "userName": "bjensen@example.com",
          "name": {"formatted": "Ms. Barbara J Jensen, III", "familyName": "Jensen", "givenName": "Barbara"},
          "displayName": "Babs Jensen",
          "password": "t1meMa$heen",
          "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
          ],
          "active": true,
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "costCenter": "4130",
            "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d", "displayName": "John Smith"}
          },
          "meta": {
            "resourceType": "User",
            "created": "2010-01-23T04:56:22Z",
            "lastModified": "2011-05-13T04:42:34Z",
            "version": "W/\\"3694e05e9dff591\\"",
            "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"
          }
        }
        """

    static let tourGuides = """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
          "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
          "displayName": "Tour Guides",
          "members": [
            {"value": "2819c223-7f76-453a-919d-413861904646", "display": "Babs Jensen", "type": "User"},
            {"value": "902c246b-6245-4190-8e05-00816be7344a", "display": "Mandy Pepperidge", "type": "User"}
          ],
          "meta": {"resourceType": "Group", "created": "2010-01-23T04:56:22Z",
                   "lastModified": "2011-05-13T04:42:34Z", "version": "W/\\"3694e05e9dff592\\"",
                   "location": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a"}
        }
        """
}
