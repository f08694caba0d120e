@testable import Gateway
import NIOCore
import Testing

/// The source address IAM sees as `aws:SourceIp`, spelled as NIO's `ipAddress` spells it.
struct SocketAddressTextTests {
    @Test(arguments: ["127.0.0.1", "0.0.0.0", "10.20.30.40", "192.168.1.254", "255.255.255.255", "1.0.10.100"])
    func anIPv4AddressReadsAsNIOSpellsIt(_ ip: String) throws {
        let address = try SocketAddress(ipAddress: ip, port: 4566)
        #expect(address.ipText == address.ipAddress)
        #expect(address.ipText == ip)
    }

    @Test func anIPv6AddressIsNIOsSpelling() throws {
        let address = try SocketAddress(ipAddress: "::1", port: 4566)
        #expect(address.ipText == address.ipAddress)
    }
}
