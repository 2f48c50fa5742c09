import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A minimal HTTP/1.1 client for the load driver: persistent connections, one request at a time on
/// each, no pooling policy, no redirects, no decompression. A general client (AsyncHTTPClient) spends
/// several times the server's own cost per request, and would then measure itself, not the server.
final class LeanHTTPClient: Sendable {
    /// What the server answered.
    struct Response: Sendable {
        var status: Int
        var body: ByteBuffer
    }

    private let group: MultiThreadedEventLoopGroup
    private let host: String
    private let port: Int
    private let idle = Mutex<[Connection]>([])

    init(host: String, port: Int, threads: Int = 1) {
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        self.host = host
        self.port = port
    }

    /// Sends one request on an idle connection (opening one when none is idle); a connection the
    /// server closed is dropped and the request is not retried (the caller counts the failure).
    func send(_ method: HTTPMethod, _ uri: String, headers: HTTPHeaders, body: ByteBuffer?) async throws -> Response {
        let connection: Connection
        if let reused = idle.withLock({ $0.popLast() }) {
            connection = reused
        } else {
            connection = try await Connection.open(host: host, port: port, group: group)
        }
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
        head.headers.replaceOrAdd(name: "Host", value: "\(host):\(port)")
        if let body { head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes)) }
        let (response, reusable) = try await connection.exchange(head, body)
        if reusable { idle.withLock { $0.append(connection) } } else { connection.close() }
        return response
    }

    /// One connection and its response handler.
    private final class Connection: Sendable {
        let channel: any Channel

        init(channel: any Channel) { self.channel = channel }

        static func open(host: String, port: Int, group: MultiThreadedEventLoopGroup) async throws -> Connection {
            let channel = try await ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(Exchange())
                    }
                }
                .connect(host: host, port: port).get()
            return Connection(channel: channel)
        }

        /// Writes the request and waits for the whole response; `reusable` is false when the server
        /// will close the connection after it.
        func exchange(_ head: HTTPRequestHead, _ body: ByteBuffer?) async throws -> (
            LeanHTTPClient.Response, reusable: Bool
        ) {
            let promise = channel.eventLoop.makePromise(of: (LeanHTTPClient.Response, Bool).self)
            channel.writeAndFlush(Exchange.Request(head: head, body: body, promise: promise), promise: nil)
            let (response, keepAlive) = try await promise.futureResult.get()
            return (response, keepAlive && channel.isActive)
        }

        func close() { channel.close(promise: nil) }
    }

    /// Writes a request's parts and collects its response into one buffer.
    private final class Exchange: ChannelDuplexHandler {
        struct Request {
            var head: HTTPRequestHead
            var body: ByteBuffer?
            var promise: EventLoopPromise<(LeanHTTPClient.Response, Bool)>
        }
        typealias InboundIn = HTTPClientResponsePart
        typealias OutboundIn = Request
        typealias OutboundOut = HTTPClientRequestPart

        private var waiting: EventLoopPromise<(LeanHTTPClient.Response, Bool)>?
        private var status = 0
        private var keepAlive = true
        private var body = ByteBuffer()

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let request = unwrapOutboundIn(data)
            waiting = request.promise
            context.write(wrapOutboundOut(.head(request.head)), promise: nil)
            if let body = request.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
            context.write(wrapOutboundOut(.end(nil)), promise: promise)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                status = Int(head.status.code)
                keepAlive = head.isKeepAlive
                body.clear()
            case .body(var part):
                body.writeBuffer(&part)
            case .end:
                let response = LeanHTTPClient.Response(status: status, body: body)
                body = ByteBuffer()
                waiting.take()?.succeed((response, keepAlive))
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            waiting.take()?.fail(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            waiting.take()?.fail(ChannelError.ioOnClosedChannel)
            context.fireChannelInactive()
        }
    }
}

extension Optional {
    /// The value, leaving nil behind.
    fileprivate mutating func take() -> Wrapped? {
        defer { self = nil }
        return self
    }
}
