import ArgumentParser
import NIOCore
import NIOPosix

/// Which threads run the bridge's Swift tasks (`serve --executor`).
///
/// Hummingbird reads and writes a connection on one of NIO's event loops but runs its handler as a
/// Swift task, by default on Swift's own thread pool: every request crosses between the two pools'
/// threads and back. On two cores, running the tasks on the event loops themselves made
/// `GET /Users/{id}` about 45 % faster (see BENCHMARKS.md). Handlers block no more than before:
/// SQLite point reads of microseconds; writes and pooled reads wait on GRDB's own queues.
enum TaskExecutorChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// NIO's event loops run every task: a request is read, handled and answered on one thread.
    case eventLoops = "event-loops"
    /// Swift's default cooperative pool, as without the option's effect.
    case swift

    /// Makes the choice for the whole process; call it once, before the server starts.
    /// Returns false when the runtime does not allow it (the process then keeps Swift's pool).
    func install() -> Bool {
        switch self {
        case .swift: return true
        case .eventLoops: return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
    }
}
