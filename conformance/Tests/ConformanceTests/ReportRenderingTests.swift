import ConformanceKit
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The renderers: JUnit that parses as JUnit, HTML that escapes what servers send, exit statuses.
@Suite("Report rendering")
struct ReportRenderingTests {
    static let exchange = Exchange(
        method: "GET",
        url: "http://127.0.0.1:9/scim/Users/0",
        requestHeaders: [.init("Accept", "application/scim+json")],
        status: 400,
        responseHeaders: [.init("Content-Type", "text/html")],
        responseBody: "<script>alert('x')</script> & \u{1}"
    )

    static let report = Report(
        target: "http://127.0.0.1:9/scim",
        suites: [
            .init(
                name: "pingone/connection-probes",
                group: "pingone",
                description: "probes",
                cases: [
                    .init(
                        name: "status 404",
                        step: 1,
                        note: "Connection check <GET /Users/0>",
                        checkClass: .idp,
                        reference: "PingFederate",
                        why: "PingOne's Test connection fails.",
                        outcome: .failed,
                        message: "answered 400, expected 404",
                        exchange: exchange
                    ),
                    .init(name: "body", step: 2, checkClass: .rfc, outcome: .passed),
                    .init(name: "header ETag", step: 2, checkClass: .bridge, outcome: .skipped, message: "not checked"),
                ]
            ),
            .init(name: "okta/user-lifecycle", group: "okta", description: "", error: "no answer: connection refused"),
        ]
    )

    @Test func summaryAndExitStatus() {
        #expect(Self.report.summary.map(\.group) == ["pingone", "okta"])
        #expect(Self.report.totals.failed == 1)
        #expect(Self.report.exitStatus == 2)
        var onlyFailures = Self.report
        onlyFailures.suites.removeLast()
        #expect(onlyFailures.exitStatus == 1)
        onlyFailures.suites[0].cases.removeFirst()
        #expect(onlyFailures.exitStatus == 0)
    }

    @Test func htmlEscapesEverythingAndIsSelfContained() {
        let page = Self.report.renderHTML()
        #expect(!page.contains("<script"))
        #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp;"))
        #expect(page.contains("step 1 (Connection check &lt;GET /Users/0&gt;): status 404"))
        #expect(page.contains("PingOne&#39;s Test connection fails."))
        #expect(!page.contains("http-equiv") && !page.contains("<link") && !page.contains("src="))
    }

    #if canImport(FoundationXML)
        @Test func junitParsesWithCounts() throws {
            try Self.checkJUnit(Self.report.renderJUnit(), suites: 2, tests: 4, failures: 1, errors: 1, skipped: 1)
        }
    #endif

    /// Parses `text` as JUnit XML and checks the structure (testsuites/testsuite/testcase, failure,
    /// skipped, error) and that the counts on each element agree with its children.
    static func checkJUnit(_ text: String, suites: Int, tests: Int, failures: Int, errors: Int, skipped: Int) throws {
        #if canImport(FoundationXML)
            let doc = try XMLDocument(xmlString: text)
            let root = try #require(doc.rootElement())
            #expect(root.name == "testsuites")
            func count(_ e: XMLElement, _ name: String) -> Int {
                Int(e.attribute(forName: name)?.stringValue ?? "") ?? -1
            }
            #expect(count(root, "tests") == tests)
            #expect(count(root, "failures") == failures)
            #expect(count(root, "errors") == errors)
            #expect(count(root, "skipped") == skipped)
            let suiteElements = root.elements(forName: "testsuite")
            #expect(suiteElements.count == suites)
            var sums = (0, 0, 0, 0)
            for suite in suiteElements {
                let cases = suite.elements(forName: "testcase")
                let f = cases.filter { !$0.elements(forName: "failure").isEmpty }.count
                let e = cases.filter { !$0.elements(forName: "error").isEmpty }.count
                let s = cases.filter { !$0.elements(forName: "skipped").isEmpty }.count
                #expect(count(suite, "tests") == cases.count)
                #expect(count(suite, "failures") == f)
                #expect(count(suite, "errors") == e)
                #expect(count(suite, "skipped") == s)
                #expect(
                    cases.allSatisfy {
                        $0.attribute(forName: "name") != nil && $0.attribute(forName: "classname") != nil
                    }
                )
                sums = (sums.0 + cases.count, sums.1 + f, sums.2 + e, sums.3 + s)
            }
            #expect(sums == (tests, failures, errors, skipped))
        #endif
    }

    @Test func scim2TesterResultsFoldIntoOneSuite() throws {
        let suite = try Report.Suite(
            scim2TesterResults: """
                [{"status": "SUCCESS", "outcome": "passed", "title": "query_all_schemas", "resource_type": null,
                  "tags": ["discovery"], "reason": "ok", "data": null},
                 {"status": "ERROR", "outcome": "failed", "title": "object_creation", "resource_type": "User",
                  "tags": ["crud:create"], "reason": "answered 400", "data": "{}"}]
                """
        )
        #expect(suite.cases.map(\.outcome) == [.passed, .failed])
        #expect(suite.cases[1].name == "[User] object_creation")
        #expect(suite.cases.allSatisfy { $0.checkClass == .rfc })
    }
}
