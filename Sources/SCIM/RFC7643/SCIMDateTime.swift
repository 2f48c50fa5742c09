/// An `xsd:dateTime` value, RFC 7643 §2.3.5, reduced to an instant for ordering.
///
/// Accepts `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`; a value without a zone is read as UTC
/// (XML Schema leaves it undetermined, and IdPs that omit it mean UTC).
public struct SCIMDateTime: Sendable, Hashable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64
    /// Fraction of a second, in nanoseconds.
    public var nanoseconds: Int32

    public init(seconds: Int64, nanoseconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static func < (a: SCIMDateTime, b: SCIMDateTime) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    /// Parses `text`; `nil` if it is not a valid dateTime.
    public init?(_ text: some StringProtocol) {
        let u = Array(text.utf8)
        var i = 0
        func num(_ n: Int) -> Int? {
            guard i + n <= u.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = u[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func lit(_ c: Character) -> Bool {
            guard i < u.count, u[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = num(4), lit("-"), let month = num(2), lit("-"), let day = num(2) else { return nil }
        guard i < u.count, u[i] == UInt8(ascii: "T") || u[i] == UInt8(ascii: "t") else { return nil }
        i += 1
        guard let hour = num(2), lit(":"), let minute = num(2), lit(":"), let second = num(2) else { return nil }
        var nanos = 0
        if lit(".") {
            var digits = 0
            while i < u.count, u[i] >= 48, u[i] <= 57 {
                if digits < 9 { nanos = nanos * 10 + Int(u[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            if digits < 9 { for _ in digits..<9 { nanos *= 10 } }
        }
        var offset = 0
        if i < u.count {
            if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
                i += 1
            } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
                let sign = u[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = num(2), lit(":"), let om = num(2), oh <= 23, om <= 59 else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
        }
        guard i == u.count else { return nil }
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
            hour <= 24, minute <= 59, second <= 60
        else { return nil }
        if hour == 24 && (minute != 0 || second != 0 || nanos != 0) { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        self.seconds = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second - offset)
        self.nanoseconds = Int32(nanos)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Formats as `YYYY-MM-DDThh:mm:ss[.fff]Z` (RFC 3339, UTC).
    public var iso8601: String {
        var z = seconds / 86400
        var secs = seconds % 86400
        if secs < 0 {
            secs += 86400
            z -= 1
        }
        // civil from days (Hinnant)
        let zz = Int(z) + 719468
        let era = (zz >= 0 ? zz : zz - 146096) / 146097
        let doe = zz - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        // Every resource's `meta` is formatted on every read: digits go straight into one buffer.
        var out: [UInt8] = []
        out.reserveCapacity(24)
        func digits(_ v: Int, _ n: Int) {
            var v = v
            if v < 0 {
                out.append(UInt8(ascii: "-"))
                v = -v
            }
            var width = 1
            var p = 10
            while p <= v { width += 1; p *= 10 }
            for _ in width..<max(width, n) { out.append(UInt8(ascii: "0")) }
            var divisor = p / 10
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(v / divisor % 10))
                divisor /= 10
            }
        }
        digits(y, 4); out.append(UInt8(ascii: "-"))
        digits(m, 2); out.append(UInt8(ascii: "-"))
        digits(d, 2); out.append(UInt8(ascii: "T"))
        digits(Int(secs / 3600), 2); out.append(UInt8(ascii: ":"))
        digits(Int(secs % 3600 / 60), 2); out.append(UInt8(ascii: ":"))
        digits(Int(secs % 60), 2)
        if nanoseconds != 0 {
            out.append(UInt8(ascii: "."))
            digits(Int(nanoseconds) / 1_000_000, 3)
        }
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }
}
