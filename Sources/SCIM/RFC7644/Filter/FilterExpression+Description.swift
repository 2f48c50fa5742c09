extension FilterExpression: CustomStringConvertible {
    /// The filter in canonical text form (fully parenthesised where precedence needs it).
    public var description: String {
        switch self {
        case .compare(let a, let op, let v): return "\(a) \(op.rawValue) \(v.serialized())"
        case .present(let a): return "\(a) pr"
        case .and(let l, let r): return "\(l.parenthesisedUnder(and: true)) and \(r.parenthesisedUnder(and: true))"
        case .or(let l, let r): return "\(l) or \(r)"
        case .not(let e): return "not (\(e))"
        case .valuePath(let a, let e): return "\(a)[\(e)]"
        }
    }

    private func parenthesisedUnder(and: Bool) -> String {
        if case .or = self { return "(\(self))" }
        return description
    }
}
