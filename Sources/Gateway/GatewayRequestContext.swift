import Hummingbird
import NIOCore

/// The request context of the Gateway: Hummingbird's core context plus the client's IP
/// address, which IAM sees as `aws:SourceIp`.
struct GatewayRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer's address, without its port.
    let remoteIP: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteIP = source.channel.remoteAddress?.ipAddress
    }
}
