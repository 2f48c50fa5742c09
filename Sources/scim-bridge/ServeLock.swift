import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One `serve` per data directory. A second process on the same SQLite file would run a second set
/// of target workers and trust caches the first one's writes never reach; the scale-out
/// deployment is several bridges on one PostgreSQL database, not on one SQLite file.
enum ServeLock {
    static let fileName = "serve.lock"

    /// Takes the directory's lock for the life of the process (the kernel releases it when the
    /// process ends, however it ends); throws, naming the directory, when another process holds it
    /// (with `heldMessage`, when given: what the holder means to the caller).
    static func acquire(dataDir: String, heldMessage: String? = nil) throws {
        let path = (dataDir as NSString).appendingPathComponent(fileName)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw CLIError("Cannot create the lock file '\(path)': \(String(cString: strerror(errno))).")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw CLIError(
                heldMessage
                    ?? "Another 'scim-bridge serve' is already serving the data directory '\(dataDir)' (it holds '\(path)'). Stop it first, or give this one another --data-dir."
            )
        }
        // The descriptor stays open until the process exits: closing it would release the lock.
    }
}
