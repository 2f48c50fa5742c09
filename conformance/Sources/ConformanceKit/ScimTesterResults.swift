import SCIM

/// Folds the results of scim2-tester (the `--json` file of `conformance/scim2-tester/report.py`)
/// into the report: one suite, one case per result. scim2-tester checks RFC 7643/7644 behaviour
/// generically, so every case is of class `rfc`.
extension Report.Suite {
    package init(scim2TesterResults text: String) throws {
        let records: JSONValue
        do { records = try JSONParser.parse(text) } catch {
            throw Scenario.FormatError("scim2-tester's results are not JSON: \(error)")
        }
        guard let list = records.arrayValue else { throw Scenario.FormatError("scim2-tester's results are not a list") }
        self.init(
            name: "scim2-tester",
            group: "scim2-tester",
            description:
                "scim2-tester (python-scim): discovery, CRUD and PATCH of every attribute the server publishes."
        )
        for record in list {
            let title = record["title"]?.stringValue ?? "?"
            let scope = record["resource_type"]?.stringValue.map { "[\($0)] " } ?? ""
            let outcome = Report.Outcome(rawValue: record["outcome"]?.stringValue ?? "") ?? .failed
            var message = [record["status"]?.stringValue, record["reason"]?.stringValue].compactMap { $0 }
                .joined(separator: ": ")
            if outcome == .failed, let data = record["data"]?.stringValue, !data.isEmpty {
                message += "\ndata: \(data)"
            }
            let tags = (record["tags"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", ")
            cases.append(
                Report.Case(
                    name: scope + title,
                    checkClass: .rfc,
                    reference: tags.isEmpty ? "scim2-tester" : "scim2-tester: \(tags)",
                    outcome: outcome,
                    message: message.isEmpty ? nil : message
                )
            )
        }
    }
}
