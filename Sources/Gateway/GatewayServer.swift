import CloudCafeCore
import Foundation
import Hummingbird
import HummingbirdCore
import NIOHTTP1
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The HTTP server as one service: Hummingbird's HTTP/1 server answering through `direct`,
/// then the router.
///
/// Hummingbird's `Application` does the same, and more that the daemon does not use, at a cost
/// paid on every start and every request: its own service group spells each service it runs
/// by reflection (a tenth of start-up, before the port is bound), and it tags each request's
/// logger with a fresh id and runs the request inside a task-local logger scope.
struct GatewayServer<Responder: HTTPResponder>: Service where Responder.Context == GatewayRequestContext {
    /// Requests wait here until it opens.
    let ready: Gate
    /// Answers the requests it takes (nil: not its own) before the router sees them. The AWS
    /// protocols take nearly every request: through the router's middleware chain and its
    /// request context each cost a tenth of a GetParameter.
    let direct: @Sendable (Request, any Channel) async -> Response?
    let responder: Responder
    let address: BindAddress
    let serverName: String
    let logger: Logger
    let onServerRunning: @Sendable (Int) async -> Void

    func run() async throws {
        let dates = HTTPDates()
        let (ready, direct, responder) = (ready, direct, responder)
        let logger = logger
        let serverName = serverName
        let server = try HTTPServerBuilder.http1().buildServer(
            configuration: .init(address: address, serverName: serverName), eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger
        ) { request, writer, channel in
            await ready.wait()
            var response: Response
            if let answer = await direct(request, channel) {
                response = answer
            } else {
                do {
                    response = try await responder.respond(to: request, context: GatewayRequestContext(source: .init(channel: channel, logger: logger)))
                } catch let error as HTTPParserError {
                    throw error
                } catch {
                    logger.debug("unanswered error", metadata: ["error": "\(error)"])
                    response = Response(status: .internalServerError)
                }
            }
            response.headers[.date] = dates.current
            response.headers[.server] = serverName
            do {
                try await writer.write(response: response.head, body: response.body)
            } catch is HTTPParserError {
                // A parse error now would make the channel answer a second time: the
                // connection is closed instead.
                throw WriteFailed()
            }
        } onServerRunning: { channel in
            await onServerRunning(channel.localAddress?.port ?? 0)
        }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await dates.run() }
            defer { group.cancelAll() }
            try await server.run()
        }
    }

    struct WriteFailed: Error {}
}

/// The `Date` header's text, made once a second rather than per response.
final class HTTPDates: Sendable {
    private let text = Mutex(HTTPDates.format(Date()))

    var current: String { text.withLock { $0 } }

    /// Refreshes the text every second until cancelled.
    func run() async {
        while (try? await Task.sleep(for: .seconds(1))) != nil {
            let now = Self.format(Date())
            text.withLock { $0 = now }
        }
    }

    /// `Mon, 30 Nov 2026 18:20:46 GMT` (RFC 9110's IMF-fixdate).
    static func format(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
