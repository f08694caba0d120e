import ArgumentParser
import CloudCafeCore
import Foundation

/// `cloudcafe timeline`: what happened and why, as a tree of causes and effects.
struct TimelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline", abstract: "Print the cause → effect timeline as a tree: firings, invocations, calls, deliveries, retries.")
    @OptionGroup var endpoint: EndpointOptions
    @Option(help: "Only entries at or after this virtual instant (ISO 8601).") var since: String?
    @Option(help: "Only entries at or before this virtual instant (ISO 8601).") var until: String?
    @Option(help: "Only what ran in this function.") var function: String?
    @Option(help: "Only what this rule or schedule (group/name) started.") var rule: String?

    func run() async throws {
        let query = [("since", since), ("until", until), ("function", function), ("rule", rule)].compactMap { k, v in v.map { "\(k)=\($0.pathSegment)" } }
        var entries: [JSONValue] = []
        var token: String?
        repeat {
            let page = try await endpoint.json("GET", "/_cloudcafe/timeline?" + (query + (token.map { ["nextToken=\($0)"] } ?? [])).joined(separator: "&"))
            if case .array(let list)? = page["entries"] { entries += list }
            token = page["nextToken"]?.stringValue
        } while token != nil
        print(TimelineTree.render(entries), terminator: "")
    }
}

/// The timeline as an indented tree: each entry under its cause, roots in time order.
enum TimelineTree {
    static func render(_ entries: [JSONValue]) -> String {
        let ids = Set(entries.compactMap { $0["id"]?.stringValue })
        var children: [String: [JSONValue]] = [:]
        var roots: [JSONValue] = []
        for e in entries {
            if let cause = e["cause"]?.stringValue, ids.contains(cause) { children[cause, default: []].append(e) } else { roots.append(e) }
        }
        var out = ""
        func walk(_ e: JSONValue, _ depth: Int) {
            out += String(repeating: "  ", count: depth) + line(e) + "\n"
            for child in children[e["id"]?.stringValue ?? ""] ?? [] { walk(child, depth + 1) }
        }
        for root in roots { walk(root, 0) }
        return out
    }

    /// One entry: its virtual time, kind and what matters about it.
    static func line(_ e: JSONValue) -> String {
        let s = { (key: String) in e[key]?.stringValue ?? e[key]?.compact ?? "" }
        let what: String
        switch s("kind") {
        case "firing": what = e["rule"] != nil ? "rule \(s("rule")) fired" : "schedule \(s("schedule")) fired"
        case "event": what = "event \(s("source")) / \(s("detailType")) on \(s("bus")) → rules \(s("rules"))"
        case "invocation":
            let details = [e["cold"] == .bool(true) ? "cold" : "warm", "\(s("durationMs")) ms", s("result")].filter { !$0.isEmpty }
            what = "invocation \(s("function")) \(s("version") == "$LATEST" ? "" : "v\(s("version")) ")(\(details.joined(separator: ", "))) \(s("requestId"))"
        case "call":
            var text = "call \(s("service")).\(s("operation")) as \(s("caller")): \(s("decision"))"
            if e["statement"] != nil { text += " by \(s("statement"))" }
            if e["error"] != nil { text += " → \(s("error"))" }
            what = text
        case "delivery":
            if e["skipped"] != nil {
                what = "not delivered to \(s("protocol")) \(s("endpoint")): \(s("skipped"))"
            } else if e["file"] != nil {
                what = "email to \(s("endpoint")): \(s("file"))"
            } else {
                what = "delivery to \(s("destination")) (\(s("condition")))"
            }
        case "retry": what = "retry of \(s("function")) due \(s("due")) (\(s("reason")))"
        case "deadletter": what = "dead letter of \(s("function")) to \(s("target")) (\(s("condition")))"
        case "batch": what = "batch of \(s("messages")) from \(s("queue"))"
        default: what = s("kind")
        }
        return "\(s("time")) \(what)"
    }
}
