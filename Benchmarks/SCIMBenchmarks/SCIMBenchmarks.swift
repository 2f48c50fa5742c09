import Benchmark
import SCIM

// The pure protocol core: what every inbound request pays before and after the store.

let userSchema = SchemaRegistry.standard.resourceSchema(for: "User")!

/// RFC 7643 §8.2's full user, the representative resource.
let fullUser: JSONObject = {
    guard
        case .object(let o) = try! JSONParser.parse(
            #"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646",
             "externalId":"701984","userName":"bjensen@example.com",
             "name":{"formatted":"Ms. Barbara J Jensen, III","familyName":"Jensen","givenName":"Barbara","middleName":"Jane",
                     "honorificPrefix":"Ms.","honorificSuffix":"III"},
             "displayName":"Babs Jensen","nickName":"Babs","profileUrl":"https://login.example.com/bjensen",
             "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],
             "addresses":[{"type":"work","streetAddress":"100 Universal City Plaza","locality":"Hollywood","region":"CA",
                           "postalCode":"91608","country":"USA","formatted":"100 Universal City Plaza\nHollywood, CA 91608 USA","primary":true}],
             "phoneNumbers":[{"value":"555-555-5555","type":"work"},{"value":"555-555-4444","type":"mobile"}],
             "userType":"Employee","title":"Tour Guide","preferredLanguage":"en-US","locale":"en-US",
             "timezone":"America/Los_Angeles","active":true}
            """#
        )
    else { fatalError("fixture") }
    return o
}()

/// A ten-operation PATCH of the kind Entra and Okta send.
let tenOperations: PatchRequest = try! PatchRequest(
    json: try! JSONParser.parse(
        #"""
        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
         {"op":"replace","path":"displayName","value":"Barbara Jensen"},
         {"op":"replace","path":"name.givenName","value":"Barb"},
         {"op":"add","path":"nickName","value":"BJ"},
         {"op":"replace","path":"emails[type eq \"work\"].value","value":"barbara@example.com"},
         {"op":"add","path":"emails","value":[{"value":"bj@example.org","type":"other"}]},
         {"op":"remove","path":"phoneNumbers[type eq \"mobile\"]"},
         {"op":"replace","path":"title","value":"Senior Tour Guide"},
         {"op":"replace","path":"active","value":false},
         {"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"701984"},
         {"op":"replace","path":"addresses[type eq \"work\"].locality","value":"Los Angeles"}]}
        """#
    )
)

/// 1,000 users like the RFC's, each with its own id and userName.
let thousandUsers: [JSONObject] = (0..<1000).map { i in
    var u = fullUser
    u["id"] = .string("id-\(i)")
    u["userName"] = .string("user\(i)@example.com")
    return u
}

let listResponse = ListResponse(
    page: IndexPage(startIndex: 1, count: 1000),
    totalResults: 1000,
    resources: thousandUsers
)
let listResponseBytes = listResponse.encodedBytes()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )

    Benchmark("Filter: parse and resolve userName eq") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try FilterResolver.resolve(#"userName eq "bjensen@example.com""#, against: userSchema))
        }
    }

    let complex = try! FilterResolver.resolve(
        #"(userType eq "Employee" and emails[type eq "work" and value co "@example.com"]) or not (title pr)"#,
        against: userSchema
    )
    Benchmark("Filter: evaluate a compound filter with a value path") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(FilterEvaluator.matches(complex, fullUser))
        }
    }

    Benchmark("PATCH: apply 10 operations to a full user") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try PatchEngine.apply(tenOperations, to: fullUser, schema: userSchema))
        }
    }

    Benchmark("JSON: encode a 1,000-user ListResponse", configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(listResponse.encodedBytes())
        }
    }

    Benchmark("JSON: parse a 1,000-user ListResponse", configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try JSONParser.parse(listResponseBytes))
        }
    }
}
