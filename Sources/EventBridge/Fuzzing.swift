public import CloudCafeCore
import Foundation

/// Entry points for fuzzing and corpus replay: each takes what a client can send and must
/// answer, never trap.
public enum EventBridgeFuzzing {
    /// A schedule expression, and its next firings when it parses.
    public static func scheduleExpression(_ text: String) {
        guard let e = ScheduleExpression(text) else { return }
        var t = Date(timeIntervalSince1970: 1_795_809_540)
        for _ in 0..<5 {
            guard let n = e.next(after: t, anchor: t) else { return }
            t = n
        }
    }

    /// An InputTransformer: paths into `event`, then the template filled in.
    public static func inputTransformer(template: String, paths: [String: String], event: JSONValue) {
        var values: [String: JSONValue] = [:]
        for (name, path) in paths { values[name] = EventBridge.select(path, in: event) ?? .null }
        _ = EventBridge.fill(template, values)
    }
}
