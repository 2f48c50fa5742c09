/// Every problem found in a configuration file, reported together, one per line:
/// `FILE:LINE: targets[0].rateLimt: unknown key (did you mean 'rateLimit'?)`.
/// No line ever holds a secret's value.
package struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the configuration came from; `nil` when it was given as text.
    package var file: String?
    /// The problems, in the order of the file.
    package var problems: [ConfigurationProblem]

    package init(file: String? = nil, problems: [ConfigurationProblem]) {
        self.file = file
        self.problems = problems
    }

    package var description: String {
        problems.map { problem in
            switch (file, problem.line) {
            case let (file?, line?): "\(file):\(line): \(problem)"
            case let (file?, nil): "\(file): \(problem)"
            case let (nil, line?): "line \(line): \(problem)"
            case (nil, nil): "\(problem)"
            }
        }.joined(separator: "\n")
    }
}

/// One problem in a configuration file: the full path of the key at fault, what is wrong, and where.
package struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// The key's path, e.g. `targets[0].auth.bearer`; empty for the document as a whole.
    package var path: String
    /// What is wrong and, where it helps, what to write instead.
    package var message: String
    /// 1-based line in the file, when known.
    package var line: Int?

    package init(path: String, message: String, line: Int? = nil) {
        self.path = path
        self.message = message
        self.line = line
    }

    /// `path: message`.
    package var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
