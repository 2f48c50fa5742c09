/// The outcome of a conformance run, in the one shape every renderer (text, JUnit, HTML, JSON)
/// and every source (scenarios, scim2-tester) shares.
package struct Report: Sendable, Codable {
    package var tool: String
    /// The SCIM base URL that was checked.
    package var target: String
    package var suites: [Suite]

    package init(tool: String = "scim-conformance", target: String, suites: [Suite] = []) {
        self.tool = tool
        self.target = target
        self.suites = suites
    }

    /// One scenario (or one scim2-tester run): its checks, in order.
    package struct Suite: Sendable, Codable {
        /// `pingone/user-lifecycle`.
        package var name: String
        /// What the summary groups by: the identity provider, or `scim2-tester`.
        package var group: String
        package var description: String
        package var cases: [Case]
        /// Why the suite could not run to its end (server unreachable, scenario unreadable): exit status 2.
        package var error: String?
        /// What was deleted afterwards, and what could not be.
        package var cleanup: [String]

        package init(
            name: String,
            group: String,
            description: String,
            cases: [Case] = [],
            error: String? = nil,
            cleanup: [String] = []
        ) {
            self.name = name
            self.group = group
            self.description = description
            self.cases = cases
            self.error = error
            self.cleanup = cleanup
        }
    }

    package enum Outcome: String, Sendable, Codable { case passed, failed, skipped }

    /// One checked expectation.
    package struct Case: Sendable, Codable {
        /// What was checked: `status`, `body`, `header Location`, `capture alice.id`.
        package var name: String
        /// The step, from 1.
        package var step: Int?
        package var note: String?
        package var checkClass: CheckClass
        package var reference: String?
        package var why: String?
        package var outcome: Outcome
        /// For a failure, what did not hold; for a skip, why it was skipped.
        package var message: String?
        package var exchange: Exchange?

        package init(
            name: String,
            step: Int? = nil,
            note: String? = nil,
            checkClass: CheckClass,
            reference: String? = nil,
            why: String? = nil,
            outcome: Outcome,
            message: String? = nil,
            exchange: Exchange? = nil
        ) {
            self.name = name
            self.step = step
            self.note = note
            self.checkClass = checkClass
            self.reference = reference
            self.why = why
            self.outcome = outcome
            self.message = message
            self.exchange = exchange
        }

        /// `step 3 (Create.): status`.
        package var title: String {
            guard let step else { return name }
            return "step \(step)\(note.map { $0.isEmpty ? "" : " (\($0))" } ?? ""): \(name)"
        }
    }

    package struct Counts: Sendable, Codable, Equatable {
        package var passed = 0
        package var failed = 0
        package var skipped = 0
        package var total: Int { passed + failed + skipped }
        package init() {}
        package mutating func add(_ o: Outcome) {
            switch o {
            case .passed: passed += 1
            case .failed: failed += 1
            case .skipped: skipped += 1
            }
        }
    }

    /// Counts per group, groups in order of first appearance.
    package var summary: [(group: String, counts: Counts)] {
        var order: [String] = []
        var counts: [String: Counts] = [:]
        for suite in suites {
            if counts[suite.group] == nil { order.append(suite.group) }
            for c in suite.cases { counts[suite.group, default: Counts()].add(c.outcome) }
            if counts[suite.group] == nil { counts[suite.group] = Counts() }
        }
        return order.map { ($0, counts[$0]!) }
    }

    package var totals: Counts {
        var t = Counts()
        for suite in suites { for c in suite.cases { t.add(c.outcome) } }
        return t
    }

    /// 0 when nothing failed, 1 when a check failed, 2 when a suite could not run.
    package var exitStatus: Int32 {
        if suites.contains(where: { $0.error != nil }) { return 2 }
        return totals.failed > 0 ? 1 : 0
    }

    /// Every failed case with its suite.
    package var failures: [(suite: Suite, failure: Case)] {
        suites.flatMap { s in s.cases.filter { $0.outcome == .failed }.map { (s, $0) } }
    }
}

/// One request and its answer, as sent and received (the token redacted).
package struct Exchange: Sendable, Codable, Equatable {
    package struct Header: Sendable, Codable, Equatable {
        package var name: String
        package var value: String
        package init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    package var method: String
    package var url: String
    package var requestHeaders: [Header]
    package var requestBody: String?
    package var status: Int?
    package var responseHeaders: [Header]
    package var responseBody: String?
    /// When no answer came: why.
    package var error: String?

    package init(
        method: String,
        url: String,
        requestHeaders: [Header] = [],
        requestBody: String? = nil,
        status: Int? = nil,
        responseHeaders: [Header] = [],
        responseBody: String? = nil,
        error: String? = nil
    ) {
        self.method = method
        self.url = url
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.status = status
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
        self.error = error
    }

    /// The exchange as HTTP/1.1-style text.
    package var text: String {
        var lines = ["\(method) \(url)"]
        lines += requestHeaders.map { "\($0.name): \($0.value)" }
        if let requestBody { lines += ["", requestBody] }
        lines.append("")
        if let status {
            lines.append("HTTP \(status)")
            lines += responseHeaders.map { "\($0.name): \($0.value)" }
            if let responseBody, !responseBody.isEmpty { lines += ["", responseBody] }
        } else {
            lines.append("no answer: \(error ?? "unknown")")
        }
        return lines.joined(separator: "\n")
    }
}
