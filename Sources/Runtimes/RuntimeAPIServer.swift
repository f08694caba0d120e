import CloudCafeCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// What the Runtime API hands the code for one invocation (`/invocation/next`).
struct RuntimeDelivery: Sendable {
    let requestID: String
    let payload: Data
    /// The deadline in epoch milliseconds on the clock the code sees.
    let deadlineMs: Int64
    let functionArn: String
    let traceID: String
    let clientContext: String?
}

/// How the Runtime API answers a post.
enum RuntimeAPIAnswer: Sendable {
    case accepted
    case unknownRequest
    case invalidState(String)
}

/// The environment behind a Runtime API endpoint.
protocol RuntimeAPIDelegate: AnyObject, Sendable {
    /// The runtime asks for its next event; `deliver` answers it, now or once one arrives.
    func next(_ connection: ObjectIdentifier, deliver: @escaping @Sendable (RuntimeDelivery) -> Void)
    /// The connection that asked went away before an event came.
    func cancelNext(_ connection: ObjectIdentifier)
    func respond(_ requestID: String, body: Data) -> RuntimeAPIAnswer
    func fail(_ requestID: String, errorType: String?, body: Data) -> RuntimeAPIAnswer
    func initError(errorType: String?, body: Data) -> RuntimeAPIAnswer
    /// A response over the payload limit arrived (its size in bytes).
    func responseTooLarge(_ requestID: String, size: Int) -> RuntimeAPIAnswer
}

/// The Lambda Runtime API (2018-06-01) of one execution environment, on a loopback port of
/// its own, as AWS documents it: `invocation/next`, `invocation/{id}/response`,
/// `invocation/{id}/error` and `init/error`.
final class RuntimeAPIServer: Sendable {
    /// The largest response or error body Lambda accepts (6 MB and 100 bytes).
    static let payloadLimit = 6_291_556

    private let channel: any Channel
    let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    static func start(_ delegate: any RuntimeAPIDelegate) async throws -> RuntimeAPIServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 8)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(RuntimeAPIHandler(delegate))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw SpawnError(reason: "the Runtime API has no port")
        }
        return RuntimeAPIServer(channel: channel, port: port)
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// One connection of a runtime: requests in, answers out.
final class RuntimeAPIHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let delegate: any RuntimeAPIDelegate
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var size = 0
    private var parked = false

    init(_ delegate: any RuntimeAPIDelegate) {
        self.delegate = delegate
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body.clear()
            size = 0
        case .body(var chunk):
            size += chunk.readableBytes
            // Past the limit the bytes are counted, not kept.
            if size <= RuntimeAPIServer.payloadLimit { body.writeBuffer(&chunk) }
        case .end:
            guard let head else { return }
            self.head = nil
            route(head, context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if parked { delegate.cancelNext(ObjectIdentifier(self)) }
        context.fireChannelInactive()
    }

    private func route(_ head: HTTPRequestHead, _ context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 3, parts[0] == "2018-06-01", parts[1] == "runtime" else {
            return answer(context, head, .notFound, error: ("UnknownResource", "Unknown resource: \(path)"))
        }
        let data = Data(body.readableBytesView)
        let route = Array(parts.dropFirst(2))
        let errorType = head.headers.first(name: "Lambda-Runtime-Function-Error-Type")
        let known =
            route == ["invocation", "next"] || route == ["init", "error"]
            || (route.count == 3 && route[0] == "invocation" && ["response", "error"].contains(route[2]))
        guard known else { return answer(context, head, .notFound, error: ("UnknownResource", "Unknown resource: \(path)")) }
        let expected: HTTPMethod = route == ["invocation", "next"] ? .GET : .POST
        guard head.method == expected else {
            return answer(context, head, .methodNotAllowed, error: ("MethodNotAllowed", "Method \(head.method) is not allowed on \(path)"))
        }
        switch (route.count, route.last ?? "") {
        case (2, "next"):
            parked = true
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            let keepAlive = head.isKeepAlive
            delegate.next(ObjectIdentifier(self)) { delivery in
                loop.execute {
                    let (handler, context) = bound.value
                    handler.parked = false
                    handler.deliver(delivery, context, keepAlive: keepAlive)
                }
            }
        case (2, _):
            reply(delegate.initError(errorType: errorType, body: data), context, head)
        case (_, "response"):
            guard size <= RuntimeAPIServer.payloadLimit else {
                _ = delegate.responseTooLarge(route[1], size: size)
                return answer(
                    context, head, .payloadTooLarge,
                    error: ("RequestEntityTooLarge", "Exceeded maximum allowed payload size (\(RuntimeAPIServer.payloadLimit) bytes)."))
            }
            reply(delegate.respond(route[1], body: data), context, head)
        default:
            reply(delegate.fail(route[1], errorType: errorType, body: data), context, head)
        }
    }

    private func reply(_ result: RuntimeAPIAnswer, _ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        switch result {
        case .accepted:
            write(
                context, status: .accepted, headers: [("Content-Type", "application/json")], body: Data(#"{"status":"OK"}"#.utf8), keepAlive: head.isKeepAlive)
        case .unknownRequest:
            answer(context, head, .badRequest, error: ("InvalidRequestID", "Invalid request ID"))
        case .invalidState(let message):
            answer(context, head, .forbidden, error: ("InvalidStateTransition", message))
        }
    }

    private func answer(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ status: HTTPResponseStatus, error: (type: String, message: String)) {
        let body = JSONValue.object([("errorMessage", .string(error.message)), ("errorType", .string(error.type))]).data
        write(context, status: status, headers: [("Content-Type", "application/json")], body: body, keepAlive: head.isKeepAlive)
    }

    private func deliver(_ d: RuntimeDelivery, _ context: ChannelHandlerContext, keepAlive: Bool) {
        var headers = [
            ("Content-Type", "application/json"), ("Lambda-Runtime-Aws-Request-Id", d.requestID), ("Lambda-Runtime-Deadline-Ms", String(d.deadlineMs)),
            ("Lambda-Runtime-Invoked-Function-Arn", d.functionArn), ("Lambda-Runtime-Trace-Id", d.traceID),
        ]
        if let c = d.clientContext { headers.append(("Lambda-Runtime-Client-Context", c)) }
        write(context, status: .ok, headers: headers, body: d.payload, keepAlive: keepAlive)
    }

    private func write(_ context: ChannelHandlerContext, status: HTTPResponseStatus, headers: [(String, String)], body: Data, keepAlive: Bool) {
        var fields = HTTPHeaders(headers)
        fields.add(name: "Content-Length", value: String(body.count))
        if !keepAlive { fields.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
