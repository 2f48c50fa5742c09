/// One write in flight per resource, for targets that refuse a second write to a resource still being
/// updated (Slack answers it with 429, targets.md §B "Concurrency"): the transport queues its own
/// writes per resource instead of provoking that. Waiters go in arrival order.
actor ResourceWriteQueue {
    private var busy: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Runs `body` once no other write to `key` is running.
    nonisolated func serialized<T: Sendable>(_ key: String, _ body: @Sendable () async throws -> T) async throws -> T {
        await acquire(key)
        do {
            let result = try await body()
            await release(key)
            return result
        } catch {
            await release(key)
            throw error
        }
    }

    private func acquire(_ key: String) async {
        if busy.insert(key).inserted { return }
        await withCheckedContinuation { waiting[key, default: []].append($0) }
    }

    private func release(_ key: String) {
        if var queue = waiting[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[key] = queue.isEmpty ? nil : queue
            next.resume()  // the key stays busy: ownership passes to the next writer
        } else {
            busy.remove(key)
        }
    }
}
