import CSpawn
import CloudCafeCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Collects what an environment's process writes — stdout and stderr line by line, and the
/// runtime's framed telemetry log (one event per frame, so a traceback stays one event) —
/// and notices its exit. One thread per process polls its descriptors; every read happens
/// under one lock, so `collect()` after an answer sees everything written before it.
final class OutputPump: Sendable {
    private struct State {
        var lines: [LogLine] = []
        var partial: [Int32: [UInt8]] = [:]
        var open: Set<Int32> = []
        /// One read buffer for the pump's life, not one per read.
        var buffer = [UInt8](repeating: 0, count: 65_536)
    }

    private let state = Mutex(State())
    private let stdout: Int32
    private let stderr: Int32
    private let telemetry: Int32
    /// Virtual epoch milliseconds for a line as the process sees its clock.
    private let stamp: @Sendable () -> Int

    init(stdout: Int32, stderr: Int32, telemetry: Int32, stamp: @escaping @Sendable () -> Int) {
        self.stdout = stdout
        self.stderr = stderr
        self.telemetry = telemetry
        self.stamp = stamp
        state.withLock { $0.open = [stdout, stderr, telemetry] }
    }

    /// Polls until `process` exits, then reaps it and reports how it ended.
    func start(_ process: ChildProcess, onExit: @escaping @Sendable (String) -> Void) {
        let thread = Thread { [self] in
            let status = pump(process)
            onExit(status)
        }
        thread.name = "cloudcafe-env-\(process.pid)"
        thread.start()
    }

    private func pump(_ process: ChildProcess) -> String {
        while true {
            let open = state.withLock { $0.open }
            var fds = [stdout, stderr, telemetry].map { pollfd(fd: open.contains($0) ? $0 : -1, events: Int16(POLLIN), revents: 0) }
            if process.pidfd >= 0 { fds.append(pollfd(fd: process.pidfd, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), process.pidfd >= 0 ? -1 : 100)
            if ready < 0, errno != EINTR { break }
            read()
            if process.pidfd >= 0 {
                if fds[3].revents != 0 { break }
            } else {
                var status: Int32 = 0
                if waitpid(process.pid, &status, WNOHANG) == process.pid {
                    read()
                    finish(process)
                    return ChildProcess.describe(status: status)
                }
            }
        }
        read()
        let status = cloudcafe_wait(process.pid)
        finish(process)
        return status < 0 ? "exit status 1" : ChildProcess.describe(status: status)
    }

    private func finish(_ process: ChildProcess) {
        state.withLock { s in
            flushPartials(&s)
            s.open = []
        }
        for fd in [stdout, stderr, telemetry] { close(fd) }
        if process.pidfd >= 0 { close(process.pidfd) }
    }

    /// Takes every line written so far, including a last line without its newline.
    func collect() -> [LogLine] {
        read()
        return state.withLock { s in
            flushPartials(&s)
            defer { s.lines = [] }
            return s.lines
        }
    }

    private func read() {
        state.withLock { s in
            for fd in [stdout, stderr, telemetry] where s.open.contains(fd) {
                while true {
                    let n = s.buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                    if n > 0 {
                        s.partial[fd, default: []].append(contentsOf: s.buffer[0..<n])
                        if fd == telemetry { frames(&s) } else { lines(fd, &s) }
                        continue
                    }
                    if n == 0 || (errno != EAGAIN && errno != EINTR) { s.open.remove(fd) }
                    if n < 0, errno == EINTR { continue }
                    break
                }
            }
        }
    }

    private func lines(_ fd: Int32, _ s: inout State) {
        guard var bytes = s.partial[fd], bytes.contains(10) || bytes.count > Self.lineLimit else { return }
        let now = stamp()
        while let newline = bytes.firstIndex(of: 10) {
            s.lines.append(LogLine(timestamp: now, message: String(decoding: bytes[..<newline], as: UTF8.self)))
            bytes.removeSubrange(...newline)
        }
        // CloudWatch takes at most 256 KB per event: a longer line is cut there.
        if bytes.count > Self.lineLimit {
            s.lines.append(LogLine(timestamp: now, message: String(decoding: bytes, as: UTF8.self)))
            bytes = []
        }
        s.partial[fd] = bytes
        bound(&s)
    }

    /// Frames of the runtime's telemetry log: type (4 bytes), length (4), microseconds (8), message.
    private func frames(_ s: inout State) {
        guard var bytes = s.partial[telemetry] else { return }
        var offset = 0
        while bytes.count - offset >= 16 {
            let length = Int(Self.integer(bytes, offset + 4, 4))
            // A length no runtime writes means the stream is not framed: keep what is there as text.
            guard length <= Self.lineLimit else {
                s.lines.append(LogLine(timestamp: stamp(), message: String(decoding: bytes[offset...], as: UTF8.self)))
                offset = bytes.count
                break
            }
            guard bytes.count - offset - 16 >= length else { break }
            let micros = Self.integer(bytes, offset + 8, 8)
            var message = String(decoding: bytes[(offset + 16)..<(offset + 16 + length)], as: UTF8.self)
            if message.hasSuffix("\n") { message.removeLast() }
            s.lines.append(LogLine(timestamp: Int(micros / 1000), message: message))
            offset += 16 + length
        }
        bytes.removeFirst(offset)
        s.partial[telemetry] = bytes
        bound(&s)
    }

    static let lineLimit = 262_144
    static let bufferedLineLimit = 50_000

    /// A process that writes without pause between invocations loses its oldest lines, not the daemon's memory.
    private func bound(_ s: inout State) {
        if s.lines.count > Self.bufferedLineLimit { s.lines.removeFirst(Self.bufferedLineLimit / 10) }
    }

    private func flushPartials(_ s: inout State) {
        for fd in [stdout, stderr] {
            if let rest = s.partial[fd], !rest.isEmpty {
                s.lines.append(LogLine(timestamp: stamp(), message: String(decoding: rest, as: UTF8.self)))
                s.partial[fd] = []
            }
        }
    }

    private static func integer(_ bytes: [UInt8], _ at: Int, _ count: Int) -> UInt64 {
        bytes[at..<(at + count)].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
