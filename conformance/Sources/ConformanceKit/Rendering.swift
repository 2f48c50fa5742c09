import Foundation

/// The report as text for a terminal, JUnit XML for CI systems, one self-contained HTML page, and JSON.
extension Report {
    // MARK: - Text

    package func renderText() -> String {
        var out: [String] = []
        for (suite, failure) in failures {
            out.append("FAILED \(suite.name) \(failure.title) [\(failure.classLabel)]")
            if let message = failure.message { out.append("  \(message)") }
            if let why = failure.why { out.append("  why it matters: \(why)") }
            if let exchange = failure.exchange {
                out += exchange.text.split(separator: "\n", omittingEmptySubsequences: false).map { "  | \($0)" }
            }
            out.append("")
        }
        for suite in suites {
            if let error = suite.error { out.append("ERROR \(suite.name): \(error)") }
            for line in suite.cleanup where line.hasPrefix("could not") { out.append("CLEANUP \(suite.name): \(line)") }
        }
        out.append("summary:")
        for (group, c) in summary {
            out.append(
                "  \(group.padding(toLength: 14, withPad: " ", startingAt: 0)) "
                    + "\(c.passed) passed, \(c.failed) failed, \(c.skipped) skipped"
            )
        }
        let t = totals
        out.append("\(tool): \(t.passed) passed, \(t.failed) failed, \(t.skipped) skipped")
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: - JUnit XML

    /// One `testsuite` per scenario, one `testcase` per check; a skipped check is `<skipped/>`, a
    /// failed one `<failure>` with the exchange, a suite that could not run has an `<error>` case.
    package func renderJUnit() -> String {
        var x = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        let t = totals
        let errors = suites.filter { $0.error != nil }.count
        x +=
            "<testsuites name=\"\(xml(tool))\" tests=\"\(t.total + errors)\" failures=\"\(t.failed)\" "
            + "errors=\"\(errors)\" skipped=\"\(t.skipped)\">\n"
        for suite in suites {
            var c = Counts()
            for k in suite.cases { c.add(k.outcome) }
            let e = suite.error == nil ? 0 : 1
            x +=
                "  <testsuite name=\"\(xml(suite.name))\" tests=\"\(c.total + e)\" failures=\"\(c.failed)\" "
                + "errors=\"\(e)\" skipped=\"\(c.skipped)\">\n"
            for k in suite.cases {
                x +=
                    "    <testcase classname=\"\(xml(suite.name))\" name=\"\(xml(k.title + " [" + k.classLabel + "]"))\""
                switch k.outcome {
                case .passed: x += "/>\n"
                case .skipped: x += ">\n      <skipped message=\"\(xml(k.message ?? ""))\"/>\n    </testcase>\n"
                case .failed:
                    var detail = k.message ?? ""
                    if let why = k.why { detail += "\nwhy it matters: \(why)" }
                    if let exchange = k.exchange { detail += "\n\n" + exchange.text }
                    x +=
                        ">\n      <failure message=\"\(xml(k.message ?? "failed"))\" type=\"\(k.checkClass.rawValue)\">"
                    x += xml(detail) + "</failure>\n    </testcase>\n"
                }
            }
            if let error = suite.error {
                x += "    <testcase classname=\"\(xml(suite.name))\" name=\"run\">\n"
                x += "      <error message=\"\(xml(error))\"/>\n    </testcase>\n"
            }
            if !suite.cleanup.isEmpty {
                x += "    <system-out>\(xml(suite.cleanup.joined(separator: "\n")))</system-out>\n"
            }
            x += "  </testsuite>\n"
        }
        return x + "</testsuites>\n"
    }

    // MARK: - HTML

    /// One page, no external assets: inline CSS, every text escaped.
    package func renderHTML() -> String {
        var h = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>\(html(tool)) report: \(html(target))</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
            table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
            .failed{color:#b00020}.passed{color:#1b5e20}.skipped{color:#777}
            pre{background:#f6f6f6;padding:.6em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
            .failure{border-left:4px solid #b00020;padding-left:1em;margin:1.5em 0}
            .cls{font-size:.85em;background:#eee;border-radius:3px;padding:0 .3em}
            </style></head><body>
            <h1>\(html(tool)) report</h1>
            <p>Server: <code>\(html(target))</code></p>
            <h2>Summary</h2>
            <table><tr><th>checked against</th><th>passed</th><th>failed</th><th>skipped</th></tr>

            """
        for (group, c) in summary {
            h +=
                "<tr><td>\(html(group))</td><td class=\"passed\">\(c.passed)</td>"
                + "<td class=\"failed\">\(c.failed)</td><td class=\"skipped\">\(c.skipped)</td></tr>\n"
        }
        h += "</table>\n"
        let errored = suites.filter { $0.error != nil }
        if !errored.isEmpty {
            h += "<h2>Could not run</h2>\n<ul>\n"
            for s in errored { h += "<li><b>\(html(s.name))</b>: \(html(s.error ?? ""))</li>\n" }
            h += "</ul>\n"
        }
        let failed = failures
        h += "<h2>Failures (\(failed.count))</h2>\n"
        for (suite, k) in failed {
            h += "<div class=\"failure\"><h3>\(html(suite.name)): \(html(k.title))</h3>\n"
            h += "<p><span class=\"cls\">\(html(k.classLabel))</span> \(html(k.message ?? ""))</p>\n"
            if let why = k.why { h += "<p><b>Why it matters:</b> \(html(why))</p>\n" }
            if let e = k.exchange {
                h += "<p>Request sent:</p><pre>\(html(e.requestText))</pre>\n"
                h += "<p>Answer received:</p><pre>\(html(e.answerText))</pre>\n"
            }
            h += "</div>\n"
        }
        h += "<h2>All checks</h2>\n"
        for suite in suites {
            var c = Counts()
            for k in suite.cases { c.add(k.outcome) }
            h += "<details\(c.failed > 0 ? " open" : "")><summary><b>\(html(suite.name))</b>: "
            h += "\(c.passed) passed, \(c.failed) failed, \(c.skipped) skipped</summary>\n"
            h += "<p>\(html(suite.description))</p>\n<table>\n"
            for k in suite.cases {
                h += "<tr><td class=\"\(k.outcome.rawValue)\">\(k.outcome.rawValue)</td><td>\(html(k.title))</td>"
                h += "<td>\(html(k.classLabel))</td><td>\(html(k.message ?? ""))</td></tr>\n"
            }
            h += "</table>\n"
            if !suite.cleanup.isEmpty {
                h += "<p>Cleanup:</p><pre>\(html(suite.cleanup.joined(separator: "\n")))</pre>\n"
            }
            h += "</details>\n"
        }
        return h + "</body></html>\n"
    }

    // MARK: - JSON

    package func renderJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}

extension Report.Case {
    /// `rfc RFC 7644 §3.3`, `idp PingOne …`.
    package var classLabel: String {
        reference.map { "\(checkClass.rawValue): \($0)" } ?? checkClass.rawValue
    }
}

extension Exchange {
    var requestText: String {
        var lines = ["\(method) \(url)"] + requestHeaders.map { "\($0.name): \($0.value)" }
        if let requestBody { lines += ["", requestBody] }
        return lines.joined(separator: "\n")
    }

    var answerText: String {
        guard let status else { return "no answer: \(error ?? "unknown")" }
        var lines = ["HTTP \(status)"] + responseHeaders.map { "\($0.name): \($0.value)" }
        if let responseBody, !responseBody.isEmpty { lines += ["", responseBody] }
        return lines.joined(separator: "\n")
    }
}

/// Text escaped for HTML element content and attribute values.
package func html(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for ch in s {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(ch)
        }
    }
    return out
}

/// Text escaped for XML content and attribute values; characters XML 1.0 cannot hold become U+FFFD.
package func xml(_ s: String) -> String {
    var out = ""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "\n": out += "&#10;"
        case "\t", "\r": out.unicodeScalars.append(scalar)
        default:
            let v = scalar.value
            if v < 0x20 || (0xFFFE...0xFFFF).contains(v) {
                out += "\u{FFFD}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out
}
