package import Foundation

/// A reference to a credential: `env:NAME`, `file:PATH` or (tests only) `inline:VALUE`.
///
/// The configuration holds the reference, never the value: `resolve(environment:readFile:)` reads the value
/// when it is needed, so a rotated file is picked up on the next read. `description`, `debugDescription` and
/// the reflection `dump` sees show the reference only (`Secret(env:ACME_TOKEN)`, `Secret(inline, redacted)`),
/// so a secret cannot reach a log line by printing a configuration.
package struct Secret: Sendable, Hashable {
    /// Where the value comes from.
    package enum Source: Sendable, Hashable {
        /// An environment variable, by name.
        case environment(String)
        /// A file, by path; trailing line breaks of its content are dropped.
        case file(String)
        /// The value itself, written in the configuration file. Discouraged outside tests.
        case inline(String)
    }

    /// Where the value comes from.
    package let source: Source

    package init(_ source: Source) { self.source = source }

    /// Parses `env:NAME`, `file:PATH` or `inline:VALUE`; `nil` for anything else.
    package init?(reference: String) {
        if let name = reference.dropPrefix("env:") {
            guard Secret.isEnvironmentName(name) else { return nil }
            self.init(.environment(String(name)))
        } else if let path = reference.dropPrefix("file:") {
            guard !path.isEmpty else { return nil }
            self.init(.file(String(path)))
        } else if let value = reference.dropPrefix("inline:") {
            guard !value.isEmpty else { return nil }
            self.init(.inline(String(value)))
        } else {
            return nil
        }
    }

    /// The reference as written, with an inline value replaced by `redacted`: safe for messages.
    package var reference: String {
        switch source {
        case .environment(let name): "env:\(name)"
        case .file(let path): "file:\(path)"
        case .inline: "inline, redacted"
        }
    }

    /// Reads the value. Fails, naming the reference (never the value), when the variable is unset or empty or the
    /// file cannot be read or is empty.
    package func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        readFile: (String) throws -> String = Secret.readFileFromDisk
    ) throws(ResolutionError) -> String {
        switch source {
        case .environment(let name):
            guard let value = environment[name] else {
                throw ResolutionError(reference: reference, reason: "the environment variable \(name) is not set")
            }
            guard !value.isEmpty else {
                throw ResolutionError(reference: reference, reason: "the environment variable \(name) is empty")
            }
            return value
        case .file(let path):
            let content: String
            do {
                content = try readFile(path)
            } catch {
                throw ResolutionError(reference: reference, reason: "cannot read \(path): \(Secret.reason(error))")
            }
            let value = content.trimmingTrailingLineBreaks()
            guard !value.isEmpty else { throw ResolutionError(reference: reference, reason: "\(path) is empty") }
            return value
        case .inline(let value):
            return value
        }
    }

    /// Reads a whole file as UTF-8: the default reader of `resolve`.
    package static func readFileFromDisk(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    /// A secret that could not be read; its `description` names the reference and never holds a value.
    package struct ResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The reference, as `Secret.reference` gives it.
        package var reference: String
        /// Why it could not be read.
        package var reason: String

        package init(reference: String, reason: String) {
            self.reference = reference
            self.reason = reason
        }

        package var description: String { "\(reason) (\(reference))" }
    }

    /// POSIX-style variable names: a letter or `_`, then letters, digits or `_`.
    static func isEnvironmentName(_ name: Substring) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.isASCIILetter else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.isASCIILetter || ("0"..."9").contains($0) }
    }

    /// A short reason for a failed read; a reader's error describes the failure, not the file's content.
    private static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file"
            case .fileReadNoPermission: return "permission denied"
            case .fileReadInapplicableStringEncoding: return "not UTF-8 text"
            default: return "read error"
            }
        }
        return String(describing: error)
    }
}

extension Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String { "Secret(\(reference))" }
    package var debugDescription: String { description }
    // `dump` and other reflection see the reference only, not the stored inline value.
    package var customMirror: Mirror { Mirror(self, children: ["reference": reference], displayStyle: .struct) }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

extension String {
    fileprivate func dropPrefix(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? self.dropFirst(prefix.count) : nil
    }

    fileprivate func trimmingTrailingLineBreaks() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" || last == "\r\n" { s = s.dropLast() }
        return String(s)
    }
}
