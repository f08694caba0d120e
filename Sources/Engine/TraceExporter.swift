public import CloudCafeCore
import Crypto
public import Foundation
import Logging
public import ServiceLifecycle
import Synchronization

import PlainHTTP

/// Sends the timeline as OpenTelemetry traces over OTLP/HTTP (the JSON encoding) to
/// `serve --otlp-endpoint`: one trace per root (a rule's firing, a client's call), each
/// entry a span under its cause, stamped on the virtual clock. Batches go out twice a
/// second; what the collector refuses is dropped and logged, never retried forever.
public final class TraceExporter: Sendable {
    private let endpoint: URL
    private let pending = Mutex<[TimelineEntry]>([])
    private let listener = Mutex<Int?>(nil)
    private let timeline: Timeline
    private let logger = Logger(label: "cloudcafe.otlp")
    /// At most this many spans wait; beyond, the oldest are dropped (a collector that is down
    /// must not grow the daemon).
    static let queueLimit = 50_000

    public init(endpoint: URL, timeline: Timeline) {
        self.endpoint = endpoint.path.hasSuffix("/v1/traces") ? endpoint : endpoint.appendingPathComponent("v1/traces")
        self.timeline = timeline
        let id = timeline.addListener { [weak self] entry in self?.enqueue(entry) }
        listener.withLock { $0 = id }
    }

    private func enqueue(_ entry: TimelineEntry) {
        // An invocation is sent once it has ended (its annotation carries the result).
        guard entry.kind != "invocation" || entry["result"] != nil else { return }
        pending.withLock { queue in
            queue.append(entry)
            if queue.count > Self.queueLimit { queue.removeFirst(queue.count - Self.queueLimit) }
        }
    }

    /// Exports until cancelled, then once more.
    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            await flush()
        }
        await flush()
        if let id = listener.withLock({ $0 }) { timeline.removeListener(id) }
    }

    public func flush() async {
        let batch = pending.withLock { q in
            defer { q = [] }
            return q
        }
        guard !batch.isEmpty else { return }
        do {
            let response = try await PlainHTTP.send(
                "POST", endpoint, headers: [("Content-Type", "application/json")], body: Data(Self.payload(batch).compact.utf8), timeout: .seconds(5))
            if !(200..<300).contains(response.status) {
                logger.warning("the OTLP collector refused spans", metadata: ["status": "\(response.status)", "spans": "\(batch.count)"])
            }
        } catch {
            logger.warning("could not reach the OTLP collector", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
        }
    }

    /// The OTLP/JSON request for `entries`.
    static func payload(_ entries: [TimelineEntry]) -> JSONValue {
        .object([
            (
                "resourceSpans",
                .array([
                    .object([
                        ("resource", .object([("attributes", .array([attribute("service.name", "cloudcafe")]))])),
                        ("scopeSpans", .array([.object([("scope", .object([("name", .string("cloudcafe"))])), ("spans", .array(entries.map(span)))])])),
                    ])
                ])
            )
        ])
    }

    static func span(_ e: TimelineEntry) -> JSONValue {
        let start = UInt64(max(0, e.time.timeIntervalSince1970) * 1_000_000_000)
        let ms = e["durationMs"].flatMap { Double($0.compact) } ?? 0
        let end = start + UInt64(max(ms, 0.001) * 1_000_000)
        var members: [(String, JSONValue)] = [
            ("traceId", .string(hex(e.root, bytes: 16))), ("spanId", .string(hex(e.id, bytes: 8))), ("name", .string(name(e))),
            ("kind", .int(e.kind == "call" ? 2 : 1)), ("startTimeUnixNano", .string(String(start))), ("endTimeUnixNano", .string(String(end))),
            (
                "attributes",
                .array(
                    [attribute("cloudcafe.kind", e.kind), attribute("cloudcafe.id", e.id)]
                        + e.details.map { attribute("cloudcafe.\($0.0)", $0.1.stringValue ?? $0.1.compact) })
            ),
        ]
        if let cause = e.cause { members.append(("parentSpanId", .string(hex(cause, bytes: 8)))) }
        let failed = e["error"] != nil || (e.kind == "invocation" && e["result"]?.stringValue != "ok") || e.kind == "deadletter"
        members.append(("status", .object([("code", .int(failed ? 2 : 1))])))
        return .object(members)
    }

    static func name(_ e: TimelineEntry) -> String {
        let s = { (key: String) in e[key]?.stringValue ?? "" }
        switch e.kind {
        case "firing": return e["rule"] != nil ? "fire \(s("rule"))" : "fire \(s("schedule"))"
        case "invocation": return "invoke \(s("function"))"
        case "call": return "\(s("service")).\(s("operation"))"
        case "delivery": return "deliver \(s("protocol").isEmpty ? s("destination") : s("protocol"))"
        default: return e.kind
        }
    }

    static func attribute(_ key: String, _ value: String) -> JSONValue {
        .object([("key", .string(key)), ("value", .object([("stringValue", .string(value))]))])
    }

    /// A stable id for a timeline id: the first bytes of its SHA-256, in hex.
    static func hex(_ text: String, bytes: Int) -> String {
        Digits.hex(SHA256.hash(data: Data(text.utf8)).prefix(bytes))
    }
}

/// The exporter in the daemon's lifecycle: it stops, after a last batch, when the daemon does.
public struct TraceExportService: Service {
    let exporter: TraceExporter

    public init(_ exporter: TraceExporter) { self.exporter = exporter }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await exporter.run() }
    }
}
