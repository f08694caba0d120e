public import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 exchange over a fresh connection: what the daemon sends out (SNS deliveries to
/// http endpoints, OTLP spans) and what the CLI asks the daemon.
///
/// Not URLSession: FoundationNetworking loads libcurl and some thirty libraries with it, which
/// cost the daemon about 8 MiB of memory and 10 ms of every start, and keep the binary from
/// linking the Swift runtime statically. Plain `http://` only: CloudCafe talks to the machine
/// it runs on.
public enum PlainHTTP {
    public struct Response: Sendable {
        public let status: Int
        public let body: Data
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Sends `method` to `url` and collects the whole answer; fails on a connection error, a
    /// non-`http` URL, or no complete answer within `timeout`.
    public static func send(
        _ method: String, _ url: URL, headers: [(String, String)] = [], body: Data? = nil, timeout: Duration = .seconds(15)
    ) async throws -> Response {
        guard url.scheme?.lowercased() == "http" else {
            throw Failure(description: "\(url.scheme ?? "no") scheme: CloudCafe sends to http:// addresses only")
        }
        guard let host = url.host, !host.isEmpty else { throw Failure(description: "\(url) names no host") }
        let port = url.port ?? 80
        var target = url.path.isEmpty ? "/" : url.path
        if let query = url.query { target += "?" + query }

        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: target)
        head.headers.add(name: "Host", value: url.port.map { "\(host):\($0)" } ?? host)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        head.headers.add(name: "Content-Length", value: String(body?.count ?? 0))
        head.headers.add(name: "Connection", value: "close")

        let group = MultiThreadedEventLoopGroup.singleton
        let answer = group.next().makePromise(of: Response.self)
        let nanos = Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.nanoseconds(nanos))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(Collector(answer))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            answer.fail(error)
            throw Failure(description: "cannot connect to \(host):\(port): \(error)")
        }
        let deadline = channel.eventLoop.scheduleTask(in: .nanoseconds(nanos)) {
            answer.fail(Failure(description: "no answer from \(host):\(port) within \(timeout)"))
            channel.close(promise: nil)
        }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body, !body.isEmpty { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        return try await answer.futureResult.get()
    }

    /// Gathers one response; the connection closing first is a failure.
    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        let answer: EventLoopPromise<Response>
        var status = 0
        var body = Data()

        init(_ answer: EventLoopPromise<Response>) { self.answer = answer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): status = Int(head.status.code)
            case .body(let buffer): body.append(contentsOf: buffer.readableBytesView)
            case .end: answer.succeed(Response(status: status, body: body))
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            answer.fail(Failure(description: "the connection closed before a complete answer"))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            answer.fail(error)
            context.close(promise: nil)
        }
    }
}
