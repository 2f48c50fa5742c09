/// A JSON object that keeps its members in order and looks them up case-insensitively.
///
/// RFC 7643 §2.1: attribute names are case-insensitive. Members keep the spelling they
/// arrived with; setting a member replaces any member whose name differs only in case.
public struct JSONObject: Sendable {
    /// The members in order.
    public private(set) var members: [(key: String, value: JSONValue)]

    /// An empty object.
    public init() { members = [] }

    /// An object from members; a later member replaces an earlier one that differs only in case.
    public init(_ members: [(String, JSONValue)]) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for (k, v) in members { self[k] = v }
    }

    /// Members without the duplicate check: the caller guarantees distinct names.
    init(uniqueMembers: [(key: String, value: JSONValue)]) {
        self.members = uniqueMembers
    }

    /// Number of members.
    public var count: Int { members.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The member names, in order.
    public var keys: [String] { members.map(\.key) }

    /// The index of the member named `key` (case-insensitive).
    public func index(forKey key: String) -> Int? {
        members.firstIndex { caseInsensitiveEquals($0.key, key) }
    }

    /// The member named `key` (case-insensitive); setting `nil` removes it.
    public subscript(key: String) -> JSONValue? {
        get {
            for m in members where caseInsensitiveEquals(m.key, key) { return m.value }
            return nil
        }
        set {
            if let i = index(forKey: key) {
                if let newValue {
                    members[i].value = newValue
                } else {
                    members.remove(at: i)
                }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    /// Removes and returns the member named `key`.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let i = index(forKey: key) else { return nil }
        return members.remove(at: i).value
    }

    /// The spelling of `key` as stored, if present.
    public func storedKey(for key: String) -> String? {
        index(forKey: key).map { members[$0].key }
    }
}

extension JSONObject: Equatable {
    /// Equal when both have the same members (names case-insensitive), in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (k, v) in lhs.members {
            guard let other = rhs[k], other == v else { return false }
        }
        return true
    }
}

extension JSONObject: Hashable {
    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine per-member hashes commutatively.
        var acc = 0
        for (k, v) in members {
            var h = Hasher()
            h.combine(k.lowercased())
            h.combine(v)
            acc ^= h.finalize()
        }
        hasher.combine(count)
        hasher.combine(acc)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }
}

extension JSONObject: Sequence {
    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }
}

/// ASCII case-insensitive comparison (SCIM names are ASCII: RFC 7643 §2.1 ATTRNAME, URNs);
/// non-ASCII characters must match exactly.
@inlinable
public func caseInsensitiveEquals(_ a: String, _ b: String) -> Bool {
    // Folding changes no byte count, so names of different lengths differ: most lookups stop here
    // (a native string knows its UTF-8 length without walking it).
    guard a.utf8.count == b.utf8.count else { return false }
    var bi = b.utf8.makeIterator()
    for x in a.utf8 {
        guard let y = bi.next() else { return false }
        if x == y { continue }
        let lx = (x >= 65 && x <= 90) ? x | 0x20 : x
        let ly = (y >= 65 && y <= 90) ? y | 0x20 : y
        if lx != ly { return false }
    }
    return true
}
