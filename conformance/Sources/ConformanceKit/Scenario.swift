import Foundation
package import SCIM

/// Whose requirement an expectation states; `scim-conformance run` checks `rfc` and `idp`, the
/// bridge's own replay test checks all three.
package enum CheckClass: String, Sendable, Codable, CaseIterable, Comparable {
    /// A MUST or SHOULD of RFC 7643/7644; `reference` names the section.
    case rfc
    /// What an identity provider needs in order to work; `reference` names the source.
    case idp
    /// scim-bridge's own behaviour, or a figure that holds only on a fresh, empty channel.
    case bridge

    package static func < (a: CheckClass, b: CheckClass) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A traffic scenario (docs/traffic-fixtures.md): what an identity provider sends, in its order,
/// with what the server must answer.
package struct Scenario: Sendable {
    package var name: String
    package var idp: String
    package var description: String
    package var steps: [Step]

    package struct Step: Sendable {
        package var note: String
        package var method: String
        /// Relative to the base URL, percent-encoded, with `{{placeholders}}`.
        package var path: String
        package var headers: [(name: String, value: String)]
        package var body: JSONValue?
        package var expectations: [Expectation]
        package var captures: [(name: String, path: String)]

        package init(
            note: String,
            method: String,
            path: String,
            headers: [(name: String, value: String)] = [],
            body: JSONValue? = nil,
            expectations: [Scenario.Expectation],
            captures: [(name: String, path: String)] = []
        ) {
            self.note = note
            self.method = method
            self.path = path
            self.headers = headers
            self.body = body
            self.expectations = expectations
            self.captures = captures
        }
    }

    /// One classified part of a step's `expect`.
    package struct Expectation: Sendable {
        package var checkClass: CheckClass
        /// `RFC 7644 §3.3`, or the source of an identity provider's requirement.
        package var reference: String?
        /// What goes wrong when it does not hold ("Entra retries this user forever").
        package var why: String?
        /// The accepted status codes; nil when this part does not check the status.
        package var status: [Int]?
        /// The body pattern; `.null` means an empty body; nil when unchecked.
        package var body: JSONValue?
        package var absent: [String]
        package var headers: [(name: String, value: JSONValue)]
    }

    package struct FormatError: Error, CustomStringConvertible {
        package var description: String
        package init(_ description: String) { self.description = description }
    }

    /// Reads a scenario file's JSON. An `expect` that is one object (as `serve --record` writes it)
    /// is one expectation of class `bridge` unless it names its `class`.
    package init(json: JSONValue) throws {
        guard let name = json["name"]?.stringValue, let idp = json["idp"]?.stringValue else {
            throw FormatError("a scenario needs a name and an idp")
        }
        self.name = name
        self.idp = idp
        self.description = json["description"]?.stringValue ?? ""
        guard let steps = json["steps"]?.arrayValue, !steps.isEmpty else {
            throw FormatError("\(name): no steps")
        }
        self.steps = try steps.enumerated().map { i, step in
            do { return try Step(json: step) } catch let e as FormatError {
                throw FormatError("\(name) step \(i + 1): \(e.description)")
            }
        }
    }

    package init(name: String, idp: String, description: String, steps: [Step]) {
        self.name = name
        self.idp = idp
        self.description = description
        self.steps = steps
    }

    /// The scenario's steps that create a resource: (endpoint, what the body names it), for the plan
    /// printed before a run.
    package func creations(prefix: String) -> [(endpoint: String, name: String)] {
        steps.compactMap { step in
            guard step.method == "POST", step.path == "/Users" || step.path == "/Groups", let body = step.body
            else { return nil }
            let label = body["userName"]?.stringValue ?? body["displayName"]?.stringValue ?? "?"
            return (step.path, label.replacingOccurrences(of: "{{run}}", with: prefix))
        }
    }
}

extension Scenario.Step {
    init(json: JSONValue) throws {
        guard let request = json["request"], let method = request["method"]?.stringValue,
            let path = request["path"]?.stringValue
        else { throw Scenario.FormatError("a step needs request.method and request.path") }
        self.note = json["note"]?.stringValue ?? ""
        self.method = method.uppercased()
        self.path = path
        self.headers = (request["headers"]?.objectValue ?? JSONObject()).members.compactMap { k, v in
            v.stringValue.map { (k, $0) }
        }
        self.body = request["body"]
        switch json["expect"] {
        case .array(let parts)?: self.expectations = try parts.map(Scenario.Expectation.init(json:))
        case let part?: self.expectations = [try Scenario.Expectation(json: part)]
        case nil: throw Scenario.FormatError("a step needs expect")
        }
        guard expectations.contains(where: { $0.status != nil }) else {
            throw Scenario.FormatError("no part of expect names the status")
        }
        self.captures = (json["capture"]?.objectValue ?? JSONObject()).members.compactMap { k, v in
            v.stringValue.map { (k, $0) }
        }
    }
}

extension Scenario.Expectation {
    init(json: JSONValue) throws {
        let known: Set<String> = ["class", "ref", "why", "status", "body", "absent", "headers"]
        for key in json.objectValue?.keys ?? [] where !known.contains(key) {
            throw Scenario.FormatError("unknown key '\(key)' in expect")
        }
        let name = json["class"]?.stringValue ?? "bridge"
        guard let c = CheckClass(rawValue: name) else { throw Scenario.FormatError("unknown class '\(name)'") }
        checkClass = c
        reference = json["ref"]?.stringValue
        why = json["why"]?.stringValue
        switch json["status"] {
        case nil: status = nil
        case .array(let codes)?: status = codes.compactMap { $0.integerValue.map(Int.init) }
        case let code?:
            guard let n = code.integerValue else { throw Scenario.FormatError("status must be a number") }
            status = [Int(n)]
        }
        body = json["body"]
        absent = (json["absent"]?.arrayValue ?? []).compactMap(\.stringValue)
        headers = (json["headers"]?.objectValue ?? JSONObject()).members.map { ($0.key, $0.value) }
    }

    package init(
        _ checkClass: CheckClass,
        reference: String? = nil,
        why: String? = nil,
        status: [Int]? = nil,
        body: JSONValue? = nil,
        absent: [String] = [],
        headers: [(name: String, value: JSONValue)] = []
    ) {
        self.checkClass = checkClass
        self.reference = reference
        self.why = why
        self.status = status
        self.body = body
        self.absent = absent
        self.headers = headers
    }
}
