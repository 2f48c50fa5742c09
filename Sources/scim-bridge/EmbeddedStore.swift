import Foundation
import Store

/// Opens the embedded SQLite store in a data directory, with errors that name the directory.
enum EmbeddedStore {
    static let fileName = "scim-bridge.sqlite"

    static func open(dataDir: String, create: Bool = true) throws -> SQLiteStore {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: dataDir, isDirectory: &isDir) {
            guard isDir.boolValue else { throw CLIError("--data-dir '\(dataDir)' is a file, not a directory.") }
        } else if create {
            do {
                try fm.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
            } catch {
                throw CLIError("Cannot create the data directory '\(dataDir)': \(error.localizedDescription)")
            }
        } else {
            throw CLIError(
                "The data directory '\(dataDir)' does not exist; run 'scim-bridge serve' or 'scim-bridge channels create' first."
            )
        }
        guard fm.isWritableFile(atPath: dataDir) else {
            throw CLIError("The data directory '\(dataDir)' is not writable.")
        }
        let path = (dataDir as NSString).appendingPathComponent(fileName)
        do {
            return try SQLiteStore(path: path)
        } catch {
            throw CLIError("Cannot open the database '\(path)': \(error)")
        }
    }
}

/// A command-line failure: the message says what is wrong and what to do.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
