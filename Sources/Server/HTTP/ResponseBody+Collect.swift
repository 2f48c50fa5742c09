import Hummingbird
import NIOCore

/// Collects a response body into one buffer (our responses are single buffers built in memory,
/// so this costs nothing extra); used by compression and traffic recording.
private final class CollectingWriter: ResponseBodyWriter {
    var buffer = ByteBuffer()
    func write(_ part: ByteBuffer) async throws {
        var part = part
        buffer.writeBuffer(&part)
    }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension Response {
    /// The body as one buffer, consuming the original body.
    mutating func collectBody() async throws -> ByteBuffer {
        let writer = CollectingWriter()
        try await body.write(writer)
        return writer.buffer
    }
}
