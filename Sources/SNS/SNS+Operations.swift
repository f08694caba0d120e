public import CloudCafeCore
import Foundation
import IAM

// MARK: - Shapes (botocore sns 2010-03-31)

/// CreateTopic input.
public struct CreateTopicInput: Sendable, Codable {
    public var name: String
    public var attributes: [String: String]?
    enum CodingKeys: String, CodingKey { case name = "Name", attributes = "Attributes" }
    public init(name: String, attributes: [String: String]? = nil) {
        self.name = name
        self.attributes = attributes
    }
}

/// CreateTopic output.
public struct CreateTopicOutput: Sendable, Codable {
    public var topicArn: String
    enum CodingKeys: String, CodingKey { case topicArn = "TopicArn" }
}

/// SetTopicAttributes input.
public struct SetTopicAttributesInput: Sendable, Codable {
    public var topicArn: String
    public var attributeName: String
    public var attributeValue: String?
    enum CodingKeys: String, CodingKey { case topicArn = "TopicArn", attributeName = "AttributeName", attributeValue = "AttributeValue" }
    public init(topicArn: String, attributeName: String, attributeValue: String?) {
        self.topicArn = topicArn
        self.attributeName = attributeName
        self.attributeValue = attributeValue
    }
}

/// Subscribe input.
public struct SubscribeInput: Sendable, Codable {
    public var topicArn: String
    public var `protocol`: String
    public var endpoint: String?
    enum CodingKeys: String, CodingKey { case topicArn = "TopicArn", `protocol` = "Protocol", endpoint = "Endpoint" }
    public init(topicArn: String, protocol: String, endpoint: String?) {
        self.topicArn = topicArn
        self.protocol = `protocol`
        self.endpoint = endpoint
    }
}

/// Subscribe output: the ARN, or `pending confirmation`.
public struct SubscribeOutput: Sendable, Codable {
    public var subscriptionArn: String
    enum CodingKeys: String, CodingKey { case subscriptionArn = "SubscriptionArn" }
}

/// ConfirmSubscription input.
public struct ConfirmSubscriptionInput: Sendable, Codable {
    public var topicArn: String
    public var token: String
    enum CodingKeys: String, CodingKey { case topicArn = "TopicArn", token = "Token" }
    public init(topicArn: String, token: String) {
        self.topicArn = topicArn
        self.token = token
    }
}

/// ConfirmSubscription output.
public struct ConfirmSubscriptionOutput: Sendable, Codable {
    public var subscriptionArn: String
    enum CodingKeys: String, CodingKey { case subscriptionArn = "SubscriptionArn" }
}

/// Unsubscribe input.
public struct UnsubscribeInput: Sendable, Codable {
    public var subscriptionArn: String
    enum CodingKeys: String, CodingKey { case subscriptionArn = "SubscriptionArn" }
    public init(subscriptionArn: String) { self.subscriptionArn = subscriptionArn }
}

/// An output with no members.
public struct SNSEmptyOutput: Sendable, Codable {}

/// Publish input.
public struct PublishInput: Sendable, Codable {
    public var topicArn: String?
    public var targetArn: String?
    public var message: String
    public var subject: String?
    enum CodingKeys: String, CodingKey { case topicArn = "TopicArn", targetArn = "TargetArn", message = "Message", subject = "Subject" }
    public init(topicArn: String?, message: String, subject: String? = nil) {
        self.topicArn = topicArn
        self.message = message
        self.subject = subject
    }
}

/// Publish output.
public struct PublishOutput: Sendable, Codable {
    public var messageId: String
    enum CodingKeys: String, CodingKey { case messageId = "MessageId" }
}

// MARK: - Operations

extension SNS {
    /// CreateTopic.
    public static let createTopic = Operation<SNS, CreateTopicInput, CreateTopicOutput>(
        name: "CreateTopic", action: "sns:CreateTopic", resource: { i, c in c.arn("sns", i.name).description }
    ) { sns, input, ctx in try await sns.createTopic(input, ctx) }

    /// SetTopicAttributes.
    public static let setTopicAttributes = Operation<SNS, SetTopicAttributesInput, SNSEmptyOutput>(
        name: "SetTopicAttributes", action: "sns:SetTopicAttributes", resource: { i, _ in i.topicArn }
    ) { sns, input, ctx in try await sns.setTopicAttributes(input, ctx) }

    /// Subscribe.
    public static let subscribe = Operation<SNS, SubscribeInput, SubscribeOutput>(
        name: "Subscribe", action: "sns:Subscribe", resource: { i, _ in i.topicArn }
    ) { sns, input, ctx in try await sns.subscribe(input, ctx) }

    /// ConfirmSubscription.
    public static let confirmSubscription = Operation<SNS, ConfirmSubscriptionInput, ConfirmSubscriptionOutput>(
        name: "ConfirmSubscription", action: "sns:ConfirmSubscription", resource: { i, _ in i.topicArn }
    ) { sns, input, ctx in try await sns.confirmSubscription(input, ctx) }

    /// Unsubscribe.
    public static let unsubscribe = Operation<SNS, UnsubscribeInput, SNSEmptyOutput>(
        name: "Unsubscribe", action: "sns:Unsubscribe", resource: { i, _ in i.subscriptionArn }
    ) { sns, input, ctx in try await sns.unsubscribe(input, ctx) }

    /// Publish.
    public static let publish = Operation<SNS, PublishInput, PublishOutput>(
        name: "Publish", action: "sns:Publish", resource: { i, _ in i.topicArn ?? i.targetArn },
        resourcePolicy: { sns, i, _ in await sns.policy(of: i.topicArn ?? i.targetArn) }
    ) { sns, input, ctx in try await sns.publish(input, ctx) }

    // MARK: - Topics

    func createTopic(_ input: CreateTopicInput, _ ctx: CallContext) throws(SNSError) -> CreateTopicOutput {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        guard (1...256).contains(input.name.count), input.name.allSatisfy(allowed.contains) else {
            throw .invalidParameter("Invalid parameter: Topic Name")
        }
        let arn = ctx.arn("sns", input.name)
        if topics[arn] == nil {
            topics[arn] = Topic(arn: arn, displayName: input.attributes?["DisplayName"] ?? "", owner: ctx.account)
        } else if let name = input.attributes?["DisplayName"], topics[arn]?.displayName != name {
            // AWS answers CreateTopic idempotently only when the attributes match.
            throw .invalidParameter("Invalid parameter: Attributes Reason: Topic already exists with different attributes")
        }
        return CreateTopicOutput(topicArn: arn.description)
    }

    func setTopicAttributes(_ input: SetTopicAttributesInput, _ ctx: CallContext) throws(SNSError) -> SNSEmptyOutput {
        var t = try topic(input.topicArn)
        switch input.attributeName {
        case "DisplayName":
            let value = input.attributeValue ?? ""
            guard value.count <= 100 else { throw .invalidParameter("Invalid parameter: DisplayName") }
            t.displayName = value
        case "Policy":
            guard let text = input.attributeValue, !text.isEmpty else {
                t.policy = nil
                break
            }
            do {
                _ = try PolicyDocument(parsing: text, kind: .resource)
            } catch {
                throw .invalidParameter("Invalid parameter: Policy Error: \(error.message)")
            }
            t.policy = text
        case "DeliveryPolicy", "KmsMasterKeyId", "TracingConfig", "SignatureVersion":
            break
        default:
            throw .invalidParameter("Invalid parameter: AttributeName")
        }
        topics[t.arn] = t
        return SNSEmptyOutput()
    }

    // MARK: - Subscriptions

    func subscribe(_ input: SubscribeInput, _ ctx: CallContext) throws(SNSError) -> SubscribeOutput {
        let t = try topic(input.topicArn)
        let proto = input.protocol.lowercased()
        guard ["email", "email-json", "lambda"].contains(proto) else {
            throw .invalidParameter("Invalid parameter: Amazon SNS does not support this protocol string: \(input.protocol)")
        }
        guard let endpoint = input.endpoint, !endpoint.isEmpty else { throw .invalidParameter("Invalid parameter: Endpoint") }
        if proto.hasPrefix("email") {
            guard Self.isEmailAddress(endpoint) else { throw .invalidParameter("Invalid parameter: Email address") }
        }
        guard t.arn.region == ctx.region else { throw .invalidParameter("Invalid parameter: TopicArn") }
        // Subscribing the same endpoint again returns the existing subscription.
        if let existing = subscriptions.values.first(where: { $0.topicArn == t.arn && $0.protocol == proto && $0.endpoint == endpoint }) {
            return SubscribeOutput(subscriptionArn: existing.isConfirmed ? existing.arn.description : "pending confirmation")
        }
        let arn = ARN(service: "sns", region: t.arn.region, account: t.arn.account, resource: "\(t.arn.resource):\(dispatcher.ids.uuid())")
        if proto == "lambda" {
            subscriptions[arn] = Subscription(arn: arn, topicArn: t.arn, protocol: proto, endpoint: endpoint, owner: ctx.account, state: .confirmed)
            return SubscribeOutput(subscriptionArn: arn.description)
        }
        let token = dispatcher.ids.hex(64) + dispatcher.ids.hex(64)
        subscriptions[arn] = Subscription(
            arn: arn, topicArn: t.arn, protocol: proto, endpoint: endpoint, owner: ctx.account, state: .pendingConfirmation(token: token))
        sendConfirmation(topic: t, endpoint: endpoint, token: token, at: ctx.now)
        return SubscribeOutput(subscriptionArn: "pending confirmation")
    }

    func confirmSubscription(_ input: ConfirmSubscriptionInput, _ ctx: CallContext) throws(SNSError) -> ConfirmSubscriptionOutput {
        let t = try topic(input.topicArn)
        guard
            var sub = subscriptions.values.first(where: { s in
                guard s.topicArn == t.arn else { return false }
                if case .pendingConfirmation(let token) = s.state { return token == input.token }
                return false
            })
        else {
            throw .invalidParameter("Invalid token")
        }
        _ = sub.confirm(token: input.token)
        subscriptions[sub.arn] = sub
        return ConfirmSubscriptionOutput(subscriptionArn: sub.arn.description)
    }

    func unsubscribe(_ input: UnsubscribeInput, _ ctx: CallContext) throws(SNSError) -> SNSEmptyOutput {
        guard let arn = ARN(input.subscriptionArn), arn.service == "sns" else { throw .invalidParameter("Invalid parameter: SubscriptionArn") }
        guard subscriptions.removeValue(forKey: arn) != nil else { throw .subscriptionNotFound() }
        return SNSEmptyOutput()
    }

    /// The confirmation link in a confirmation email: ConfirmSubscription, which AWS answers
    /// without credentials (the token is the proof).
    public static let confirmSubscriptionByLink = Operation<SNS, ConfirmSubscriptionInput, ConfirmSubscriptionOutput>(
        name: "ConfirmSubscription", action: "sns:ConfirmSubscription", resource: { i, _ in i.topicArn }, needsNoPermission: true
    ) { sns, input, ctx in try await sns.confirmSubscription(input, ctx) }

    /// The unsubscribe link at the foot of every email: it carries the subscription, no credentials.
    public static let unsubscribeByLink = Operation<SNS, UnsubscribeInput, SNSEmptyOutput>(
        name: "Unsubscribe", action: "sns:Unsubscribe", resource: { i, _ in i.subscriptionArn }, needsNoPermission: true
    ) { sns, input, ctx in try await sns.unsubscribe(input, ctx) }

    static func isEmailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }
}
