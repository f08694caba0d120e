import Logging

/// The server's log handler: metadata set on it is kept as given and formatted only when a
/// line is written. Hummingbird sets a request id on its logger for every request, and the
/// stream handler formats all its metadata on each set — about 3% of a small call's
/// instructions, for lines that at the gateway's level are seldom written.
struct RequestLogHandler: LogHandler {
    private var base: any LogHandler
    var metadata: Logger.Metadata = [:]

    init(wrapping base: any LogHandler) {
        self.base = base
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.metadata = event.metadata.map { metadata.merging($0) { $1 } } ?? (metadata.isEmpty ? nil : metadata)
        base.log(event: event)
    }
}
