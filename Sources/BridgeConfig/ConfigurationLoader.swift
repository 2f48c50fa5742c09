package import Foundation
import Yams

/// Reads the YAML configuration file into a `BridgeConfiguration`, strictly: unknown keys, wrong types, bad values,
/// unresolvable secrets, unacknowledged collision policies and dangling references are all reported together as
/// one `ConfigurationError`.
package enum ConfigurationLoader {
    /// Loads the configuration in `yaml`. Every secret reference is resolved once, through `environment` and
    /// `readFile`, to report a missing one now; the result keeps the references, not the values.
    package static func load(
        yaml: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        readFile: (String) throws -> String = Secret.readFileFromDisk
    ) throws(ConfigurationError) -> BridgeConfiguration {
        try load(yaml: yaml, file: nil, environment: environment, readFile: readFile)
    }

    /// Loads the configuration file at `path`; every line of the error starts with `path`.
    package static func load(
        file path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        readFile: (String) throws -> String = Secret.readFileFromDisk
    ) throws(ConfigurationError) -> BridgeConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason =
                switch (error as? CocoaError)?.code {
                case .fileReadNoSuchFile?, .fileNoSuchFile?: "no such file"
                case .fileReadNoPermission?: "permission denied"
                case .fileReadInapplicableStringEncoding?: "not UTF-8 text"
                default: "cannot be read"
                }
            throw ConfigurationError(
                file: path,
                problems: [ConfigurationProblem(path: "", message: "cannot read the configuration file: \(reason)")]
            )
        }
        return try load(yaml: text, file: path, environment: environment, readFile: readFile)
    }

    static func load(
        yaml: String,
        file: String?,
        environment: [String: String],
        readFile: (String) throws -> String
    ) throws(ConfigurationError) -> BridgeConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError(file: file, problems: [syntaxProblem(error)])
        }
        let (configuration, problems) = withoutActuallyEscaping(readFile) { readFile in
            var reader = NodeReader(environment: environment, readFile: readFile)
            let configuration = reader.configuration(root)
            return (configuration, reader.problems)
        }
        guard problems.isEmpty else {
            // In file order; problems without a line (none today) last.
            let ordered = problems.enumerated().sorted {
                ($0.element.line ?? .max, $0.offset) < ($1.element.line ?? .max, $1.offset)
            }.map(\.element)
            throw ConfigurationError(file: file, problems: ordered)
        }
        return configuration
    }

    /// A YAML syntax error, without the source snippet Yams adds: that line may hold a secret.
    static func syntaxProblem(_ error: any Error) -> ConfigurationProblem {
        guard let yamlError = error as? YamlError else {
            return ConfigurationProblem(path: "", message: "not valid YAML")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let context = context.map { " (\($0.text), line \($0.mark.line))" } ?? ""
            return ConfigurationProblem(path: "", message: "not valid YAML: \(problem)\(context)", line: mark.line)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationProblem(
                path: "",
                message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in one mapping",
                line: context.mark.line
            )
        case .reader(let problem, _, _, _):
            return ConfigurationProblem(path: "", message: "not valid YAML: \(problem)")
        default:
            return ConfigurationProblem(path: "", message: "not valid YAML")
        }
    }
}

extension NodeReader {
    /// The document: `server`, `storage`, `channels` and `targets`, each optional.
    mutating func configuration(_ root: Node?) -> BridgeConfiguration {
        guard let root else { return BridgeConfiguration() }
        guard let f = fields(root, at: "", allowed: ["server", "storage", "channels", "targets"]) else {
            return BridgeConfiguration()
        }
        let server = server(f["server"], at: "server")
        let targets = targets(f["targets"])
        // Names of every target entry that has a name, even an invalid one, so a channel's reference to it is not
        // reported a second time.
        var targetNames = targets.map(\.name)
        if case .sequence(let sequence)? = f["targets"] {
            for element in sequence {
                if let name = element.mapping?["name"]?.string, !targetNames.contains(name) { targetNames.append(name) }
            }
        }
        let channels = channels(f["channels"], targetNames: targetNames)
        let storage = storage(f["storage"], at: "storage")
        return BridgeConfiguration(
            server: server,
            channels: channels,
            targets: targets,
            storage: storage.settings,
            outboxRetention: storage.outboxRetention
        )
    }
}
