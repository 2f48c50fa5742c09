package import SCIM

/// A small template over a canonical resource's attributes (`"{name.givenName | lower}.{name.familyName
/// | lower}@example.com"`): literal text and `{…}` expressions, each a SCIM attribute path (or a quoted
/// literal), alternatives after `??`, and functions after `|`. Parsed and checked against the schema
/// once; rendering is pure.
package struct AttributeTemplate: Sendable, Hashable, CustomStringConvertible {
    /// One piece of the template.
    package enum Part: Sendable, Hashable {
        case text(String)
        case expression(Expression)
    }

    /// `{ source ?? source … | function | function … }`.
    package struct Expression: Sendable, Hashable {
        /// The first of these with a value is used.
        package var sources: [Source]
        package var functions: [Function]
    }

    /// Where an expression's value comes from.
    package enum Source: Sendable, Hashable {
        /// A string-valued attribute, read as `AttributeReader` says.
        case attribute(AttributeReader)
        /// A quoted literal: always present.
        case literal(String)
    }

    /// The pure functions a template may apply, in the order written.
    package enum Function: Sendable, Hashable {
        case lower, upper, trim
        /// The part before `@` (the whole text when there is none).
        case localPart
        /// The part after `@`; absent when there is none.
        case domain
        /// Every occurrence of the first text replaced by the second.
        case replace(String, String)
        /// At most this many characters.
        case truncate(Int)
        /// This text when the value is absent.
        case `default`(String)
    }

    package var parts: [Part]
    /// The template as written.
    package var text: String

    package var description: String { text }

    /// Parses `text`, resolving every attribute path against `schema`.
    package init(_ text: String, over schema: ResourceSchema) throws(TemplateError) {
        var parser = TemplateParser(text: text, schema: schema)
        self.parts = try parser.parseTemplate()
        self.text = text
    }

    /// The text for `resource`; nil when an attribute it reads is absent and nothing stands in for
    /// it, or when the result is empty (the target then keeps the attribute's usual derivation).
    package func render(_ resource: JSONObject) -> String? {
        var out = ""
        for part in parts {
            switch part {
            case .text(let s):
                out += s
            case .expression(let e):
                guard let value = e.evaluate(resource) else { return nil }
                out += value
            }
        }
        return out.isEmpty ? nil : out
    }
}

extension AttributeTemplate.Expression {
    func evaluate(_ resource: JSONObject) -> String? {
        var value: String?
        for source in sources where value == nil {
            switch source {
            case .attribute(let reader): value = reader.read(resource)
            case .literal(let s): value = s
            }
        }
        for function in functions { value = function.apply(value) }
        return value
    }
}

extension AttributeTemplate.Function {
    func apply(_ value: String?) -> String? {
        switch self {
        case .default(let fallback):
            return value ?? fallback
        case .lower: return value?.lowercased()
        case .upper: return value?.uppercased()
        case .trim: return value?.trimmingSpaces()
        case .localPart:
            guard let value else { return nil }
            return value.firstIndex(of: "@").map { String(value[..<$0]) } ?? value
        case .domain:
            guard let value, let at = value.firstIndex(of: "@") else { return nil }
            return String(value[value.index(after: at)...])
        case .replace(let from, let to):
            return value.map { $0.replacingAll(from, with: to) }
        case .truncate(let n):
            return value.map { String($0.prefix(n)) }
        }
    }
}

/// Why a template was refused, with what to write instead.
package struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// Reads one string from a canonical resource by a resolved path: a simple attribute, a sub-attribute
/// (of the primary, else the first, value of a multi-valued one: `emails.value`), or a sub-attribute
/// of the first value a filter selects (`emails[type eq "work"].value`). Numbers, booleans and dates
/// read as their JSON text.
package struct AttributeReader: Sendable, Hashable, CustomStringConvertible {
    package var path: String
    let resolved: ResolvedPatchPath

    /// The reader for `text`, checked against `schema`: the path must end in one value, not a complex one.
    package init(_ text: String, over schema: ResourceSchema) throws(TemplateError) {
        let resolved: ResolvedPatchPath
        do throws(SCIMError) {
            resolved = try PatchPath.parse(text).resolve(against: schema)
        } catch {
            throw TemplateError(error.detail)
        }
        switch resolved {
        case .extensionSchema:
            throw TemplateError("'\(text)' names a whole schema; name one of its attributes")
        case .attribute(let a):
            if a.subAttribute == nil, a.attribute.type == .complex {
                let example =
                    a.attribute.subAttributes.first.map { "\(a.attribute.name).\($0.name)" } ?? "a sub-attribute"
                throw TemplateError("'\(text)' is complex; name one of its sub-attributes, such as \(example)")
            }
        case .filtered(let a, _, let sub):
            guard sub != nil else {
                let example = a.attribute.subAttributes.first?.name ?? "value"
                throw TemplateError("'\(text)' selects whole values; name a sub-attribute, such as \(text).\(example)")
            }
        }
        self.path = text
        self.resolved = resolved
    }

    package var description: String { path }

    /// The value in `resource`, as text; nil when absent or empty.
    package func read(_ resource: JSONObject) -> String? {
        switch resolved {
        case .extensionSchema:
            return nil
        case .attribute(let a):
            guard let top = a.topLevelValue(in: resource) else { return nil }
            guard let sub = a.subAttribute else {
                return Self.text(a.attribute.multiValued ? top.arrayValue?.first : top)
            }
            if a.attribute.multiValued {
                let values = top.arrayValue ?? []
                let chosen = values.first { $0["primary"]?.boolValue == true } ?? values.first
                return Self.text(chosen?[sub.name])
            }
            return Self.text(top[sub.name])
        case .filtered(let a, let filter, let sub):
            guard let sub else { return nil }
            let values = a.topLevelValue(in: resource)?.arrayValue ?? []
            return Self.text(values.first { FilterEvaluator.matches(filter, element: $0) }?[sub.name])
        }
    }

    static func text(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        switch value {
        case .string(let s): return s.isEmpty ? nil : s
        case .null, .array, .object: return nil
        default: return value.serialized()
        }
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }

    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        let needle = Array(target.unicodeScalars)
        guard !needle.isEmpty else { return self }
        let hay = Array(unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < hay.count {
            if i + needle.count <= hay.count, Array(hay[i..<(i + needle.count)]) == needle {
                out.append(contentsOf: replacement.unicodeScalars)
                i += needle.count
            } else {
                out.append(hay[i])
                i += 1
            }
        }
        return String(out)
    }
}
