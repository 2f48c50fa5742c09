import Foundation
package import SCIM

/// A request on its way out; `path` is relative to the SCIM base URL.
package struct OutgoingRequest: Sendable {
    package var method: String
    package var path: String
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]?
}

/// An answer as received.
package struct Answer: Sendable {
    package var status: Int
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// The one seam between the runner and the network: sends a request to the server under test,
/// adding its authentication. The tool sends over AsyncHTTPClient; the bridge's replay test over
/// its test client.
package protocol ConformanceTransport: Sendable {
    /// The absolute SCIM base URL, without a trailing slash (`{{baseURL}}`).
    var baseURL: String { get }
    /// The headers the transport adds to every request, as the report shows them (secrets redacted).
    var addedHeaders: [(name: String, value: String)] { get }
    func send(_ request: OutgoingRequest) async throws -> Answer
}

/// Runs scenarios against a server: every step's request, every expectation of the classes asked
/// for, then the deletion of whatever the scenario created.
package struct ScenarioRunner: Sendable {
    package let transport: any ConformanceTransport
    /// The classes checked; expectations of other classes are reported as skipped.
    package let classes: Set<CheckClass>
    /// `{{run}}`: lower-case letters, digits and `-`, so that it is safe in paths, filters and
    /// case-insensitive comparisons.
    package let prefix: String

    package init(transport: any ConformanceTransport, classes: Set<CheckClass>, prefix: String) {
        self.transport = transport
        self.classes = classes
        self.prefix = prefix
    }

    /// A fresh prefix for a run: `scimconf-` and eight random characters.
    package static func randomPrefix() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "scimconf-" + String((0..<8).map { _ in alphabet.randomElement()! }) + "-"
    }

    private struct Created {
        var path: String
        var label: String
    }

    /// The value of `{{run}}` in the scenario numbered `number` of a run: the prefix and that number,
    /// so that no two scenarios of a run share a name even if a cleanup failed.
    package func runValue(_ number: Int) -> String { "\(prefix)\(number)-" }

    package func run(_ scenario: Scenario, number: Int = 1) async -> Report.Suite {
        var suite = Report.Suite(
            name: "\(scenario.idp)/\(scenario.name)",
            group: scenario.idp,
            description: scenario.description
        )
        var captures: [String: JSONValue] = ["baseURL": .string(transport.baseURL), "run": .string(runValue(number))]
        var created: [Created] = []
        var stoppedAt: Int?
        for (index, step) in scenario.steps.enumerated() {
            let number = index + 1
            if let stoppedAt {
                for e in step.expectations {
                    suite.cases.append(
                        Report.Case(
                            name: e.summary,
                            step: number,
                            note: step.note,
                            checkClass: e.checkClass,
                            reference: e.reference,
                            why: e.why,
                            outcome: .skipped,
                            message: "not run: step \(stoppedAt) failed"
                        )
                    )
                }
                continue
            }
            let outcome = await runStep(step, number: number, captures: &captures, created: &created)
            suite.cases += outcome.cases
            if let error = outcome.error {
                suite.error = "step \(number) (\(step.note)): \(error)"
                stoppedAt = number
            } else if outcome.cases.contains(where: { $0.outcome == .failed }) {
                stoppedAt = number
            }
        }
        // Cleanup: the newest first, so that groups go before the users they hold.
        for resource in created.reversed() {
            do {
                let answer = try await transport.send(
                    OutgoingRequest(method: "DELETE", path: resource.path, headers: [], body: nil)
                )
                if answer.status == 204 || answer.status == 200 || answer.status == 404 {
                    suite.cleanup.append("deleted \(resource.label) (DELETE \(resource.path): \(answer.status))")
                } else {
                    suite.cleanup.append(
                        "could not delete \(resource.label): DELETE \(resource.path) → \(answer.status)"
                    )
                }
            } catch {
                suite.cleanup.append("could not delete \(resource.label): \(error)")
            }
        }
        return suite
    }

    private struct StepOutcome {
        var cases: [Report.Case] = []
        var error: String?
    }

    private func runStep(
        _ step: Scenario.Step,
        number: Int,
        captures: inout [String: JSONValue],
        created: inout [Created]
    ) async -> StepOutcome {
        var out = StepOutcome()
        func record(_ e: Scenario.Expectation, _ name: String, _ failure: String?, _ exchange: Exchange?) {
            let enabled = classes.contains(e.checkClass)
            out.cases.append(
                Report.Case(
                    name: name,
                    step: number,
                    note: step.note,
                    checkClass: e.checkClass,
                    reference: e.reference,
                    why: e.why,
                    outcome: !enabled ? .skipped : failure == nil ? .passed : .failed,
                    message: !enabled ? "class \(e.checkClass.rawValue) not checked" : failure,
                    exchange: enabled && failure != nil ? exchange : nil
                )
            )
        }

        // The request.
        let path: String
        var headers: [(name: String, value: String)] = []
        var body: [UInt8]?
        do {
            path = try Matching.substituteText(step.path, captures)
            for h in step.headers { headers.append((h.name, try Matching.substituteText(h.value, captures))) }
            body = try step.body.map { try Matching.substitute($0, captures).serializedBytes() }
        } catch {
            out.error = "the scenario is not valid: \(error)"
            return out
        }
        var exchange = Exchange(
            method: step.method,
            url: transport.baseURL + path,
            requestHeaders: (transport.addedHeaders + headers).map { Exchange.Header($0.name, $0.value) },
            requestBody: body.map { String(decoding: $0, as: UTF8.self) }
        )
        let answer: Answer
        do {
            answer = try await transport.send(
                OutgoingRequest(method: step.method, path: path, headers: headers, body: body)
            )
        } catch {
            exchange.error = "\(error)"
            out.error = "no answer to \(step.method) \(exchange.url): \(error)"
            return out
        }
        exchange.status = answer.status
        exchange.responseHeaders = answer.headers.map { Exchange.Header($0.name, $0.value) }
        exchange.responseBody = String(decoding: answer.body, as: UTF8.self)
        let json: JSONValue? = answer.body.isEmpty ? nil : try? JSONParser.parse(answer.body)

        // Remember what was created, so that it is deleted afterwards whatever happens next.
        let resourcePath = path.split(separator: "?").first.map(String.init) ?? path
        if step.method == "POST", resourcePath == "/Users" || resourcePath == "/Groups", answer.status == 201,
            let id = json?["id"]?.stringValue
        {
            let label = json?["userName"]?.stringValue ?? json?["displayName"]?.stringValue ?? id
            created.append(
                Created(path: "\(resourcePath)/\(id)", label: "\(resourcePath.dropFirst().dropLast()) \(label)")
            )
        }
        if step.method == "DELETE", answer.status == 204 || answer.status == 404 {
            created.removeAll { $0.path == resourcePath }
        }

        // Status first: nothing else is meaningful when it is wrong.
        var statusFailed = false
        for e in step.expectations {
            guard let codes = e.status else { continue }
            let ok = codes.contains(answer.status)
            let expected = codes.map(String.init).joined(separator: " or ")
            record(e, "status \(expected)", ok ? nil : "answered \(answer.status), expected \(expected)", exchange)
            if !ok && classes.contains(e.checkClass) { statusFailed = true }
        }
        let owner = step.expectations.first { $0.status != nil } ?? step.expectations[0]
        if statusFailed {
            for e in step.expectations where e.body != nil || !e.absent.isEmpty || !e.headers.isEmpty {
                record(e, e.summary, nil, nil)
                out.cases[out.cases.count - 1].outcome = .skipped
                out.cases[out.cases.count - 1].message = "not checked: the status was wrong"
            }
            return out
        }
        // Captures, then the rest, which may use them.
        for (name, capturePath) in step.captures {
            if let value = Matching.lookup(json, path: capturePath), !value.isNull {
                captures[name] = value
            } else {
                record(owner, "capture \(name)", "nothing at '\(capturePath)' in the answer", exchange)
                if out.cases.last?.outcome == .failed { return out }
            }
        }
        // RFC 7644 §3.5.2: a PATCH may answer 204 without a body; body checks then have nothing to read.
        let bodyless = answer.status == 204 && answer.body.isEmpty
        for e in step.expectations {
            if let pattern = e.body {
                if pattern.isNull {
                    record(e, "empty body", answer.body.isEmpty ? nil : "expected an empty body", exchange)
                } else if bodyless {
                    record(e, "body", nil, nil)
                    out.cases[out.cases.count - 1].outcome = .skipped
                    out.cases[out.cases.count - 1].message = "answered 204 without a body"
                } else {
                    do {
                        let p = try Matching.substitute(pattern, captures)
                        guard let json else {
                            record(e, "body", "the body is not JSON", exchange)
                            continue
                        }
                        record(e, "body", Matching.match(p, json, at: "body"), exchange)
                    } catch {
                        record(e, "body", "the scenario is not valid: \(error)", exchange)
                    }
                }
            }
            for absentPath in e.absent where !bodyless {
                let ok = Matching.isAbsent(json, path: Matching.segments(absentPath))
                record(e, "absent \(absentPath)", ok ? nil : "'\(absentPath)' is present", exchange)
            }
            for (name, expected) in e.headers {
                record(e, "header \(name)", checkHeader(name, expected, answer, captures), exchange)
            }
        }
        return out
    }

    private func checkHeader(
        _ name: String,
        _ expected: JSONValue,
        _ answer: Answer,
        _ captures: [String: JSONValue]
    ) -> String? {
        let actual = answer.header(name)
        switch expected.stringValue {
        case "$any": return actual == nil ? "header \(name) missing" : nil
        case "$absent": return actual.map { "header \(name) present: \($0)" }
        case let text?:
            guard let e = try? Matching.substituteText(text, captures) else {
                return "the scenario is not valid: undefined placeholder in \(text)"
            }
            if name.lowercased() == "content-type" {
                let media = actual?.split(separator: ";").first.map {
                    $0.trimmingCharacters(in: .whitespaces).lowercased()
                }
                return media == e.lowercased() ? nil : "Content-Type \(actual ?? "none"), expected \(e)"
            }
            return actual == e ? nil : "header \(name) is \(actual ?? "none"), expected \(e)"
        case nil: return "the scenario is not valid: header \(name) expects \(expected.serialized())"
        }
    }
}

extension Scenario.Expectation {
    /// A short name of what this part checks, for a report line.
    var summary: String {
        var parts: [String] = []
        if let status { parts.append("status " + status.map(String.init).joined(separator: " or ")) }
        if body != nil { parts.append("body") }
        if !absent.isEmpty { parts.append("absent " + absent.joined(separator: ", ")) }
        if !headers.isEmpty { parts.append("header " + headers.map(\.name).joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }
}
