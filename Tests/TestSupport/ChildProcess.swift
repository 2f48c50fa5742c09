package import Foundation
import Glibc
import Synchronization

/// A child process started with `posix_spawn`, its standard output and error on pipes.
///
/// Foundation's `Process.run()` lists `/proc/self/fd` to close the parent's descriptors in the child,
/// and crashed doing so (a read past the end of the directory buffer) while the parallel tests held
/// about 1,400 descriptors. Here the child closes them itself (`posix_spawn_file_actions_addclosefrom_np`).
package final class ChildProcess: Sendable {
    /// The child's process id.
    package let pid: pid_t
    /// The read ends of the child's standard output and standard error.
    package let output: FileHandle
    package let errors: FileHandle
    private let exitStatus = Mutex<Int32?>(nil)

    /// A child that could not be started.
    package struct SpawnError: Error, CustomStringConvertible {
        package var description: String
    }

    /// Starts `executable` with `arguments` and `environment`; with `mergeErrors` the child's standard
    /// error goes to the output pipe too.
    package init(executable: URL, arguments: [String], environment: [String: String], mergeErrors: Bool = false) throws
    {
        var out: [Int32] = [0, 0]
        var err: [Int32] = [0, 0]
        // No FD_CLOEXEC needed: every child this starts closes what it inherits above 2 itself.
        guard pipe(&out) == 0, pipe(&err) == 0 else {
            throw SpawnError(description: "pipe failed: errno \(errno)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, mergeErrors ? out[1] : err[1], 2)
        try Self.closeFrom(3, &actions)

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable.path, &actions, nil, argv, envp)
        close(out[1])
        close(err[1])
        guard rc == 0 else {
            close(out[0])
            close(err[0])
            throw SpawnError(description: "posix_spawn \(executable.path) failed: \(rc)")
        }
        pid = child
        output = FileHandle(fileDescriptor: out[0], closeOnDealloc: true)
        errors = FileHandle(fileDescriptor: err[0], closeOnDealloc: true)
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34), which the Glibc module does not import.
    private static func closeFrom(_ fd: Int32, _ actions: inout posix_spawn_file_actions_t) throws {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            throw SpawnError(description: "posix_spawn_file_actions_addclosefrom_np is missing (glibc 2.34 or later)")
        }
        let addCloseFrom = unsafeBitCast(symbol, to: CloseFrom.self)
        guard addCloseFrom(&actions, fd) == 0 else { throw SpawnError(description: "addclosefrom failed") }
    }

    /// Whether the child has not exited yet (reaps it when it has).
    package var isRunning: Bool {
        exitStatus.withLock { status in
            if status != nil { return false }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return true }
            status = Self.decode(raw)
            return false
        }
    }

    /// Waits for the child to exit without holding a thread (it is polled): a child that waits on
    /// something this process serves (an in-process emulator) can finish meanwhile.
    package func exit() async -> Int32 {
        while isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return waitUntilExit()
    }

    /// Blocks until the child exits; its exit status (128 + signal number when a signal ended it).
    @discardableResult
    package func waitUntilExit() -> Int32 {
        if let known = exitStatus.withLock({ $0 }) { return known }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
        let status = Self.decode(raw)
        exitStatus.withLock { if $0 == nil { $0 = status } }
        return exitStatus.withLock { $0 ?? status }
    }

    /// Sends `signal` to the child.
    package func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Asks the child to stop (SIGTERM).
    package func terminate() { send(SIGTERM) }

    /// The exit status, once the child has exited (waits for it).
    package var terminationStatus: Int32 { waitUntilExit() }

    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }
}
