import ArgumentParser
import CloudCafeCore
import Foundation

/// `cloudcafe logs`: a function's log lines.
struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print a function's (or a log group's) events in time order.")
    @OptionGroup var endpoint: EndpointOptions
    @Argument(help: "A function name, or a log group name starting with '/'.") var name: String
    @Option(help: "Only events at or after this virtual instant (ISO 8601).") var since: String?
    @Option(name: .customLong("request-id"), help: "Only the lines of this invocation (START to REPORT).") var requestID: String?
    @Option(help: "Only the last N events.") var tail: Int?

    func validate() throws {
        if let since, TimeText.instant(since) == nil { throw ValidationError("--since must be an ISO 8601 instant such as 2026-11-27T20:00:00Z") }
        if let tail, tail < 1 { throw ValidationError("--tail must be at least 1") }
    }

    func run() async throws {
        let group = name.hasPrefix("/") ? name : "/aws/lambda/\(name)"
        let answer = try await endpoint.json("GET", "/_cloudcafe/logs?group=\(group.pathSegment)")
        guard case .array(var events)? = answer["events"] else { return }
        if let since = since.flatMap(TimeText.instant) {
            let ms = since.epochMillis
            events = events.filter { ($0["timestamp"]?.intValue ?? 0) >= ms }
        }
        if let requestID { events = Self.invocation(requestID, in: events) }
        if let tail { events = Array(events.suffix(tail)) }
        for e in events {
            let ms = Double(e["timestamp"]?.intValue ?? 0) / 1000
            print("\(TimeText.iso8601(Date(timeIntervalSince1970: ms))) \(e["message"]?.stringValue ?? "")")
        }
    }

    /// One invocation's lines: in its stream, from its START to its REPORT.
    static func invocation(_ id: String, in events: [JSONValue]) -> [JSONValue] {
        guard let start = events.firstIndex(where: { $0["message"]?.stringValue?.hasPrefix("START RequestId: \(id) ") == true }) else { return [] }
        let stream = events[start]["stream"]
        var out: [JSONValue] = []
        for e in events[start...] where e["stream"] == stream {
            out.append(e)
            if e["message"]?.stringValue?.hasPrefix("REPORT RequestId: \(id)") == true { break }
        }
        return out
    }
}
