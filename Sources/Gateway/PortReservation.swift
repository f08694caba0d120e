#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The port the daemon will listen on, known before the engine is built so that every
/// address the services hand out (email links, queue URLs, code locations) is right from the
/// first call. Port 0 asks the system for a free one. Hummingbird binds it again when the
/// server starts; the system does not hand a just-released ephemeral port out again at once.
public enum PortReservation {
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Binds `host:port` once to learn the port (and that it is free), then releases it.
    public static func reserve(host: String, port: Int) throws -> Int {
        guard (0...65_535).contains(port) else { throw Unavailable(description: "port \(port) is out of range") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Unavailable(description: "no socket for \(host):\(port)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw Unavailable(description: "\(host) is not an IPv4 address") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Unavailable(description: "cannot listen on \(host):\(port): the address is in use") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw Unavailable(description: "cannot read the port bound on \(host)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
