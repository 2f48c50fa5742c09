/// The duration syntax of the configuration file: whole numbers with units, largest first, e.g. `30s`, `15m`,
/// `1h30m`, `500ms`, `1d`.
package enum DurationText {
    /// The units, largest first, with their length.
    static let units: [(name: String, duration: Duration)] = [
        ("d", .seconds(86_400)), ("h", .seconds(3_600)), ("m", .seconds(60)), ("s", .seconds(1)),
        ("ms", .milliseconds(1)),
    ]

    /// Parses `text`; `nil` when it is not a sequence of `<digits><unit>` with each unit at most once, largest first.
    package static func parse(_ text: String) -> Duration? {
        var rest = Substring(text)
        var total = Duration.zero
        var lastUnit = -1
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { ("0"..."9").contains($0) }
            guard !digits.isEmpty, digits.count <= 9, let amount = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix { ("a"..."z").contains($0) }
            guard let unit = units.firstIndex(where: { $0.name == letters }), unit > lastUnit else { return nil }
            rest = rest.dropFirst(letters.count)
            total += units[unit].duration * amount
            lastUnit = unit
        }
        return total
    }

    /// `duration` in the same syntax, e.g. `1h30m`; sub-millisecond parts are dropped.
    package static func format(_ duration: Duration) -> String {
        var ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        guard ms > 0 else { return "0s" }
        var text = ""
        for unit in units {
            let unitMs =
                unit.duration.components.seconds * 1000 + unit.duration.components.attoseconds / 1_000_000_000_000_000
            if ms >= unitMs {
                text += "\(ms / unitMs)\(unit.name)"
                ms %= unitMs
            }
        }
        return text
    }
}
