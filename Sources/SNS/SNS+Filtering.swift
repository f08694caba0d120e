import CloudCafeCore
import Foundation
import SNSAPI

/// Where a filter policy looks: the message's attributes (AWS's default) or its JSON body.
enum FilterPolicyScope: String, Sendable, Codable {
    case messageAttributes = "MessageAttributes"
    case messageBody = "MessageBody"
}

/// A subscription's filter policy, compiled; it encodes as its text and compiles again.
struct FilterPolicy: Sendable, Codable {
    let text: String
    let scope: FilterPolicyScope
    let pattern: EventPattern

    init(text: String, scope: FilterPolicyScope, pattern: EventPattern) {
        self.text = text
        self.scope = scope
        self.pattern = pattern
    }

    enum CodingKeys: String, CodingKey { case text, scope }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        text = try c.decode(String.self, forKey: .text)
        scope = try c.decode(FilterPolicyScope.self, forKey: .scope)
        do {
            pattern = try EventPattern(text)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .text, in: c, debugDescription: "the filter policy no longer compiles: \(error.reason)")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(text, forKey: .text)
        try c.encode(scope, forKey: .scope)
    }
}

// Message attributes and filter policies: which subscriptions a message goes to.
extension SNS {
    /// A message carries at most 10 attributes.
    static let maxMessageAttributes = 10

    /// Checks Publish's MessageAttributes as SNS does.
    static func checkAttributes(_ attributes: [String: MessageAttributeValue]?) throws(SNSError) {
        guard let attributes else { return }
        guard attributes.count <= maxMessageAttributes else {
            throw SNSError(
                code: .invalidParameterValue,
                message: "Number of message attributes [\(attributes.count)] exceeds the allowed maximum [\(maxMessageAttributes)].")
        }
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
            let base = value.dataType.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            guard !value.dataType.isEmpty else {
                throw SNSError(code: .invalidParameterValue, message: "The message attribute '\(name)' must contain non-empty message attribute type.")
            }
            guard ["String", "Number", "Binary"].contains(base) else {
                throw SNSError(
                    code: .invalidParameterValue,
                    message:
                        "The message attribute '\(name)' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."
                )
            }
            let empty = base == "Binary" ? (value.binaryValue ?? Data()).isEmpty : (value.stringValue ?? "").isEmpty
            if empty {
                throw SNSError(
                    code: .invalidParameterValue,
                    message: "The message attribute '\(name)' must contain non-empty message attribute value for message attribute type '\(base)'.")
            }
            if base == "Number", Double(value.stringValue ?? "") == nil {
                throw SNSError(code: .invalidParameterValue, message: "Could not cast message attribute '\(name)' value to number.")
            }
            if value.dataType == "String.Array", !Self.isJSONArray(value.stringValue ?? "") {
                throw SNSError(code: .invalidParameterValue, message: "Could not parse message attribute '\(name)' value as a JSON array.")
            }
        }
    }

    static func isJSONArray(_ text: String) -> Bool {
        if case .array? = try? JSONValue(parsing: text) { return true }
        return false
    }

    /// Compiles a filter policy for `scope`. `reason` prefixes the refusal: SetSubscriptionAttributes
    /// says `Invalid parameter: FilterPolicy: …`, Subscribe `Invalid parameter: Attributes Reason: FilterPolicy: …`.
    static func filterPolicy(_ text: String, scope: FilterPolicyScope, reason: String) throws(SNSError) -> FilterPolicy {
        let pattern: EventPattern
        do {
            pattern = try EventPattern(text)
        } catch {
            throw .invalidParameter(reason + error.reason)
        }
        if scope == .messageAttributes, case .object(let members)? = try? JSONValue(parsing: text),
            members.contains(where: { key, value in
                if case .object = value { return key != "$or" }
                return false
            })
        {
            throw .invalidParameter("Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy")
        }
        // Only the top-level keys count toward the five.
        let keys = Set(pattern.paths.map { $0.split(separator: ".", maxSplits: 1).first.map(String.init) ?? $0 })
        guard keys.count <= 5 else { throw .invalidParameter(reason + "Filter policy can not have more than 5 keys") }
        guard pattern.combinations <= 150 else { throw .invalidParameter(reason + "Filter policy is too complex") }
        return FilterPolicy(text: text, scope: scope, pattern: pattern)
    }

    static func scope(_ text: String, reason: String) throws(SNSError) -> FilterPolicyScope {
        guard let scope = FilterPolicyScope(rawValue: text) else {
            throw .invalidParameter(reason + "Invalid filter policy scope \(text), expected MessageAttributes or MessageBody")
        }
        return scope
    }

    /// Whether a subscription's filter policy lets the message through.
    static func accepts(_ policy: FilterPolicy?, message: String, attributes: [String: MessageAttributeValue]?) -> Bool {
        guard let policy else { return true }
        switch policy.scope {
        case .messageBody:
            guard let body = try? JSONValue(parsing: message), case .object = body else { return false }
            return policy.pattern.matches(body)
        case .messageAttributes:
            var members: [(String, JSONValue)] = []
            for (name, value) in (attributes ?? [:]).sorted(by: { $0.key < $1.key }) {
                let text = value.stringValue ?? ""
                if value.dataType == "String.Array", let array = try? JSONValue(parsing: text) {
                    members.append((name, array))
                } else if value.dataType.hasPrefix("Number") {
                    members.append((name, .number(text)))
                } else if value.dataType.hasPrefix("String") {
                    members.append((name, .string(text)))
                }
                // Binary attributes are never matched.
            }
            return policy.pattern.matches(.object(members))
        }
    }

    /// Message attributes as SNS writes them into notifications: `{"Type": …, "Value": …}`.
    static func notificationAttributes(_ attributes: [String: MessageAttributeValue]?) -> JSONValue {
        .object(
            (attributes ?? [:]).sorted(by: { $0.key < $1.key }).map { name, v in
                let value = v.binaryValue.map { $0.base64EncodedString() } ?? v.stringValue ?? ""
                return (name, .object([("Type", .string(v.dataType)), ("Value", .string(value))]))
            })
    }
}

extension SNS {
    /// Subscribe's `Attributes`, checked as SetSubscriptionAttributes checks them.
    static func subscriptionSettings(_ attributes: [String: String]) throws(SNSError) -> (raw: Bool, scope: FilterPolicyScope, filter: FilterPolicy?) {
        let reason = "Invalid parameter: Attributes Reason: "
        let known: Set = ["DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy"]
        for name in attributes.keys.sorted() where !known.contains(name) { throw .invalidParameter(reason + "Unknown attribute: \(name)") }
        var raw = false
        if let v = attributes["RawMessageDelivery"] {
            guard v == "true" || v == "false" else { throw .invalidParameter(reason + "RawMessageDelivery: Invalid value") }
            raw = v == "true"
        }
        let scope = try attributes["FilterPolicyScope"].map { (text: String) throws(SNSError) in try Self.scope(text, reason: reason + "FilterPolicyScope: ") } ?? .messageAttributes
        var filter: FilterPolicy?
        if let text = attributes["FilterPolicy"], !text.isEmpty, text != "{}" {
            filter = try Self.filterPolicy(text, scope: scope, reason: reason + "FilterPolicy: ")
        }
        return (raw, scope, filter)
    }
}
