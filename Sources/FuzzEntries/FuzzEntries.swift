import CloudCafeCore
import CloudWatchLogs
public import Foundation
import Gateway
import IAM
import EventBridge
import SNS
import SNSAPI
import IAMAPI

/// Everything a client reaches, as fuzz targets: `make fuzz` runs them under libFuzzer with
/// the address sanitizer, and `make test` replays every committed input (Fuzz/Corpus/<name>/)
/// through the same functions. Inputs are bytes; each target reads them as a client's request.
public enum FuzzEntries {
    /// The targets by name.
    public static let all: [String: @Sendable (Data) -> Void] = [
        "json": json, "event-pattern": eventPattern, "filter-policy": filterPolicy, "log-filter": logFilter,
        "schedule": schedule, "policy": policy, "query": query, "sigv4": sigv4, "input-transformer": inputTransformer,
        "admin-body": adminBody,
    ]

    static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    /// The first line, and the rest.
    static func split(_ data: Data) -> (String, String) {
        let s = text(data)
        guard let nl = s.firstIndex(of: "\n") else { return (s, "") }
        return (String(s[..<nl]), String(s[s.index(after: nl)...]))
    }

    static func json(_ data: Data) {
        guard let v = try? JSONValue(parsing: data) else { return }
        _ = v.compact
        _ = v.pythonDumps
    }

    /// A pattern on the first line, an event after it.
    static func eventPattern(_ data: Data) {
        let (pattern, event) = split(data)
        guard let p = try? EventPattern(pattern) else { return }
        _ = p.combinations
        if let e = try? JSONValue(parsing: event) { _ = p.matches(e) }
    }

    static func filterPolicy(_ data: Data) {
        let (policy, body) = split(data)
        SNSFuzzing.filterPolicy(policy, body: body)
    }

    /// A pattern on the first line, log lines after it.
    static func logFilter(_ data: Data) {
        let (pattern, rest) = split(data)
        CloudWatchLogsFuzzing.filterPattern(pattern, messages: rest.split(separator: "\n").map(String.init))
    }

    static func schedule(_ data: Data) { EventBridgeFuzzing.scheduleExpression(text(data)) }

    /// A policy document, evaluated for a request whose action and resource follow it.
    static func policy(_ data: Data) {
        let (first, rest) = split(data)
        _ = try? PolicyDocument.checkPermissions(first)
        _ = try? PolicyDocument.checkTrust(first)
        let user = Principal.user(ARN(service: "iam", region: "", account: "000000000000", resource: "user/cook"))
        for kind in [PolicyDocument.Kind.identity, .resource] {
            guard let doc = try? PolicyDocument(parsing: first, kind: kind) else { continue }
            let parts = rest.split(separator: " ", maxSplits: 1).map(String.init)
            for principal in [Principal.root(account: "000000000000"), user] {
                let request = EvaluationRequest(
                    principal: principal, action: parts.first ?? "sns:Publish", resource: parts.count > 1 ? parts[1] : "*",
                    keys: ["aws:username": "c*o?k", "aws:SourceIp": "10.0.0.1"])
                let policy = NamedPolicy(name: "fuzz", document: doc)
                _ = kind == .identity
                    ? PolicyEvaluator.evaluate(identity: [policy], resource: nil, request: request, boundary: policy)
                    : PolicyEvaluator.evaluate(identity: [], resource: policy, request: request)
            }
        }
    }

    /// A query-protocol form, as SNS Publish and IAM SimulateCustomPolicy read it.
    static func query(_ data: Data) {
        let form = text(data)
        GatewayFuzzing.queryForm(form, model: SNSOperations.service, operation: "Publish")
        GatewayFuzzing.queryForm(form, model: IAMOperations.service, operation: "SimulateCustomPolicy")
    }

    /// An Authorization header on the first line, a path with a query (presigned) after it.
    static func sigv4(_ data: Data) {
        let (header, path) = split(data)
        GatewayFuzzing.signature(authorization: header, path: path.hasPrefix("/") ? path : "/" + path)
    }

    /// A template on the first line, `name=path` lines, then an event.
    static func inputTransformer(_ data: Data) {
        let lines = text(data).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let template = lines.first else { return }
        var paths: [String: String] = [:]
        var eventText = ""
        for line in lines.dropFirst() {
            if let eq = line.firstIndex(of: "="), !line.hasPrefix("{") {
                paths[String(line[..<eq])] = String(line[line.index(after: eq)...])
            } else {
                eventText += line
            }
        }
        EventBridgeFuzzing.inputTransformer(template: template, paths: paths, event: (try? JSONValue(parsing: eventText)) ?? .null)
    }

    /// What the admin API reads from a body: durations, instants, numbers.
    static func adminBody(_ data: Data) {
        let s = text(data)
        _ = TimeText.duration(s)
        _ = TimeText.instant(s)
        if let v = try? JSONValue(parsing: data) {
            _ = v["advance"]?.stringValue.flatMap(TimeText.duration)
            _ = v["set"]?.stringValue.flatMap(TimeText.instant)
        }
    }
}
