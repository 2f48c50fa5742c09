/// Every problem found in a configuration file, reported together, one per line:
/// `FILE:LINE: targets[0].rateLimt: unknown key (did you mean 'rateLimit'?)`.
/// No line ever holds a secret's value.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the configuration came from; `nil` when it was given as text.
    public var file: String?
    /// The problems, in the order of the file.
    public var problems: [ConfigurationProblem]

    public init(file: String? = nil, problems: [ConfigurationProblem]) {
        self.file = file
        self.problems = problems
    }

    public var description: String {
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
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// The key's path, e.g. `targets[0].auth.bearer`; empty for the document as a whole.
    public var path: String
    /// What is wrong and, where it helps, what to write instead.
    public var message: String
    /// 1-based line in the file, when known.
    public var line: Int?

    public init(path: String, message: String, line: Int? = nil) {
        self.path = path
        self.message = message
        self.line = line
    }

    /// `path: message`.
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
