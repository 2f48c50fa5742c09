import Testing

@testable import SCIM

@Suite("ServiceProviderConfig (RFC 7643 §5, §8.5)")
struct ServiceProviderConfigTests {
    /// The configuration that Figure 7 of RFC 7643 describes.
    static let rfcExample = ServiceProviderConfig(
        documentationUri: "http://example.com/help/scim.html",
        patch: true,
        bulk: .init(supported: true, maxOperations: 1000, maxPayloadSize: 1_048_576),
        filter: .init(supported: true, maxResults: 200),
        changePassword: true,
        sort: true,
        etag: true,
        authenticationSchemes: [
            .init(
                type: "oauthbearertoken",
                name: "OAuth Bearer Token",
                description: "Authentication scheme using the OAuth Bearer Token Standard",
                specUri: "http://www.rfc-editor.org/info/rfc6750",
                documentationUri: "http://example.com/help/oauth.html",
                primary: true
            ),
            .init(
                type: "httpbasic",
                name: "HTTP Basic",
                description: "Authentication scheme using the HTTP Basic Standard",
                specUri: "http://www.rfc-editor.org/info/rfc2617",
                documentationUri: "http://example.com/help/httpBasic.html"
            ),
        ]
    )

    @Test func rendersTheRFCExample() throws {
        var expected = try SchemaTestFixtures.object("rfc7643-8.5-service-provider-config")
        var rendered = try #require(Self.rfcExample.json(baseLocation: "https://example.com/v2").objectValue)
        // The figure's meta also carries timestamps and a version, which this model does not hold.
        let expectedMeta = expected.removeValue(forKey: "meta")
        let renderedMeta = rendered.removeValue(forKey: "meta")
        #expect(renderedMeta != nil)
        #expect(JSONValue.object(rendered) == JSONValue.object(expected))
        #expect(renderedMeta?["location"] == expectedMeta?["location"])
        #expect(renderedMeta?["resourceType"] == expectedMeta?["resourceType"])
    }

    @Test func optionalFieldsAreLeftOutAndIntegersStayIntegers() {
        let config = ServiceProviderConfig(
            patch: true,
            bulk: .init(supported: false, maxOperations: 0, maxPayloadSize: 0),
            filter: .init(supported: true, maxResults: 100),
            changePassword: false,
            sort: false,
            etag: true,
            authenticationSchemes: [.oauthBearerToken()]
        )
        let json = config.json(baseLocation: "https://bridge.example/scim/v2/pingone")
        #expect(json["documentationUri"] == nil)
        #expect(json["filter"]?["maxResults"] == .integer(100))
        #expect(json["bulk"] == ["supported": false, "maxOperations": 0, "maxPayloadSize": 0])
        let scheme = json["authenticationSchemes"]?.arrayValue?.first
        #expect(scheme?["type"] == "oauthbearertoken")
        #expect(scheme?["primary"] == true)
        #expect(scheme?["documentationUri"] == nil)
        #expect(json["meta"]?["location"] == "https://bridge.example/scim/v2/pingone/ServiceProviderConfig")
        #expect(json["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"])
    }
}
