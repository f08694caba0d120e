import Logging
import Synchronization
import Testing

@testable import Gateway

struct RequestLogHandlerTests {
    /// Keeps what it is asked to write.
    struct Capture: LogHandler {
        let sink: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        var metadataProvider: Logger.MetadataProvider?
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { sink.lines.withLock { $0.append((event.message.description, event.metadata)) } }
    }

    final class Lines: Sendable {
        let lines = Mutex<[(String, Logger.Metadata?)]>([])
    }

    @Test func writesTheMetadataSetOnItWithEachLine() {
        let sink = Lines()
        var logger = Logger(label: "test") { _ in RequestLogHandler(wrapping: Capture(sink: sink)) }
        logger.logLevel = .warning
        logger[metadataKey: "hb.request.id"] = "r1"
        logger.info("not written below the level")
        logger.warning("slow", metadata: ["ms": "12"])
        var quiet = logger
        quiet[metadataKey: "hb.request.id"] = nil
        quiet.error("plain")
        let lines = sink.lines.withLock { $0 }
        #expect(lines.map(\.0) == ["slow", "plain"])
        #expect(lines[0].1 == ["hb.request.id": "r1", "ms": "12"])
        #expect(lines[1].1 == nil)
        // A copy's metadata is its own, as a LogHandler's must be.
        #expect(logger[metadataKey: "hb.request.id"] == "r1")
    }
}
