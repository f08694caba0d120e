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
        remoteIP = source.channel.remoteAddress?.ipText
    }
}

extension SocketAddress {
    /// The address without its port, as `ipAddress` gives it; IPv4 spelled here, since
    /// `inet_ntop`'s `sprintf` was a hundredth of a small call's instructions.
    var ipText: String? {
        guard case .v4 = self else { return ipAddress }
        // sockaddr_in: family (2 bytes), port (2), then the address in network order.
        let address = withSockAddr { pointer, _ in UInt32(bigEndian: UnsafeRawPointer(pointer).loadUnaligned(fromByteOffset: 4, as: UInt32.self)) }
        var text: [UInt8] = []
        text.reserveCapacity(15)
        for shift in [24, 16, 8, 0] {
            if shift != 24 { text.append(UInt8(ascii: ".")) }
            let octet = UInt8(truncatingIfNeeded: address >> UInt32(shift))
            if octet >= 100 { text.append(UInt8(ascii: "0") + octet / 100) }
            if octet >= 10 { text.append(UInt8(ascii: "0") + octet / 10 % 10) }
            text.append(UInt8(ascii: "0") + octet % 10)
        }
        return String(decoding: text, as: UTF8.self)
    }
}
