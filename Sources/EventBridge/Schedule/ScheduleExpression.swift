public import Foundation

/// A rule's schedule: `cron(...)` or `rate(value unit)`.
public enum ScheduleExpression: Sendable, Hashable {
    case cron(CronExpression)
    /// A fixed interval, counted from the rule's creation or enable time.
    case rate(seconds: Int)

    /// Parses an expression as PutRule accepts it; nil when EventBridge would answer
    /// "Parameter ScheduleExpression is not valid.".
    public init?(_ text: String) {
        if text.hasPrefix("cron("), text.hasSuffix(")") {
            guard let cron = CronExpression(fields: String(text.dropFirst(5).dropLast())) else { return nil }
            self = .cron(cron)
        } else if text.hasPrefix("rate("), text.hasSuffix(")") {
            let parts = text.dropFirst(5).dropLast().split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].isASCIIDigits, let value = Int(parts[0]), value > 0 else { return nil }
            let unit: Int
            switch (parts[1], value == 1) {
            case ("minute", true), ("minutes", false): unit = 60
            case ("hour", true), ("hours", false): unit = 3600
            case ("day", true), ("days", false): unit = 86_400
            default: return nil
            }
            let (seconds, overflow) = value.multipliedReportingOverflow(by: unit)
            guard !overflow else { return nil }
            self = .rate(seconds: seconds)
        } else {
            return nil
        }
    }

    /// The first firing strictly after `instant`; `anchor` is when a rate schedule started.
    public func next(after instant: Date, anchor: Date) -> Date? {
        switch self {
        case .cron(let cron):
            return cron.next(after: instant)
        case .rate(let seconds):
            let elapsed = instant.timeIntervalSince(anchor)
            let periods = elapsed < 0 ? 1 : (elapsed / Double(seconds)).rounded(.down) + 1
            return anchor.addingTimeInterval(periods * Double(seconds))
        }
    }
}

extension StringProtocol {
    /// Only the ASCII digits 0–9 (Character.isNumber also admits other scripts' numerals).
    var isASCIIDigits: Bool { utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
}
