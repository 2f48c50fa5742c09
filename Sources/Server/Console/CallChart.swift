/// The console's small chart of a target's calls per minute against its rate limit, drawn on the
/// server as SVG (numbers only: it is inserted into the page unescaped, so it takes no text from
/// anyone). SVG presentation attributes, not `style`, so the page's CSP needs no exception.
enum CallChart {
    static let width = 300
    static let height = 80

    static func svg(_ calls: TargetCalls) -> String {
        let minutes = calls.perMinute
        let peak = max(minutes.max() ?? 0, 1)
        // Scaled to the limit while the calls come near it; far below it, to the calls themselves,
        // with the limit's line left off the chart (its label still names it).
        let limitShown = calls.limitPerMinute <= peak * 4
        let top = limitShown ? max(calls.limitPerMinute, peak) : peak + peak / 4 + 1
        let n = max(minutes.count, 1)
        let slot = Double(width) / Double(n)
        var bars = ""
        for (i, count) in minutes.enumerated() {
            let h = count == 0 ? 0 : max(Double(height - 10) * Double(count) / Double(top), 2)
            let x = Double(i) * slot + 1
            let y = Double(height) - h
            let over = count > calls.limitPerMinute
            bars +=
                "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(max(slot - 2, 1)))\" height=\"\(fmt(h))\" fill=\"\(over ? "#cf222e" : "#1f6feb")\"><title>\(count)</title></rect>"
        }
        let limitY = Double(height) - Double(height - 10) * Double(calls.limitPerMinute) / Double(top)
        let label =
            "Calls per minute over the last \(minutes.count) minutes, oldest first: "
            + minutes.map(String.init).joined(separator: ", ") + "; limit \(calls.limitPerMinute) a minute."
        return """
            <svg class="chart" role="img" aria-label="\(label)" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" xmlns="http://www.w3.org/2000/svg">\
            <title>\(label)</title>\
            <rect x="0" y="0" width="\(width)" height="\(height)" fill="#ffffff" stroke="#d0d7de"/>\
            \(bars)\
            \(limitShown ? "<line x1=\"0\" x2=\"\(width)\" y1=\"\(fmt(limitY))\" y2=\"\(fmt(limitY))\" stroke=\"#9a6700\" stroke-dasharray=\"4 3\"/>" : "")\
            </svg>
            """
    }

    private static func fmt(_ v: Double) -> String { String(Int(v.rounded())) }
}
