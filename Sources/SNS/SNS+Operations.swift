import CloudCafeCore
import Foundation
import SNSAPI

extension SNS {
    // MARK: - Topics

    func createTopic(_ input: CreateTopicInput, _ ctx: CallContext) throws(SNSError) -> CreateTopicResponse {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        let fifo = input.attributes?["FifoTopic"] == "true"
        let stem = fifo && input.name.hasSuffix(".fifo") ? String(input.name.dropLast(5)) : input.name
        guard (1...256).contains(input.name.count), !stem.isEmpty, stem.allSatisfy(allowed.contains) else {
            throw .invalidParameter(
                fifo
                    ? "Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long."
                    : "Invalid parameter: Topic Name")
        }
        if fifo, !input.name.hasSuffix(".fifo") {
            throw .invalidParameter(
                "Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long."
            )
        }
        let arn = ctx.arn("sns", input.name)
        if topics[arn] == nil {
            let displayName = input.attributes?["DisplayName"] ?? ""
            guard Self.isDisplayName(displayName) else { throw .invalidParameter("Invalid parameter: Attributes Reason: DisplayName: Invalid value") }
            var topic = Topic(arn: arn, displayName: displayName, owner: ctx.account)
            topic.isFIFO = fifo
            topic.contentBasedDeduplication = input.attributes?["ContentBasedDeduplication"] == "true"
            try addTags(input.tags ?? [], to: &topic)
            topics[arn] = topic
        } else if let name = input.attributes?["DisplayName"], topics[arn]?.displayName != name {
            // AWS answers CreateTopic idempotently only when the attributes match.
            throw .invalidParameter("Invalid parameter: Attributes Reason: Topic already exists with different attributes")
        }
        return CreateTopicResponse(topicArn: arn.description)
    }

    /// A display name becomes an email's From: at most 100 characters, none that could end a header line.
    static func isDisplayName(_ value: String) -> Bool {
        value.count <= 100 && value.unicodeScalars.allSatisfy { $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }
    }

    func setTopicAttributes(_ input: SetTopicAttributesInput, _ ctx: CallContext) throws(SNSError) -> EmptyShape {
        var t = try topic(input.topicArn)
        switch input.attributeName {
        case "DisplayName":
            let value = input.attributeValue ?? ""
            guard Self.isDisplayName(value) else { throw .invalidParameter("Invalid parameter: DisplayName") }
            t.displayName = value
        case "Policy":
            guard let text = input.attributeValue, !text.isEmpty else {
                t.policy = nil
                break
            }
            if let problem = policyCheck(text) { throw .invalidParameter("Invalid parameter: Policy Error: \(problem)") }
            t.policy = text
        case "SignatureVersion":
            guard let v = input.attributeValue, v == "1" || v == "2" else { throw .invalidParameter("Invalid parameter: SignatureVersion") }
            t.signatureVersion = v
        case "DeliveryPolicy", "KmsMasterKeyId", "TracingConfig":
            break
        default:
            throw .invalidParameter("Invalid parameter: AttributeName")
        }
        topics[t.arn] = t
        return EmptyShape()
    }

    // MARK: - Subscriptions

    func subscribe(_ input: SubscribeInput, _ ctx: CallContext) throws(SNSError) -> SubscribeResponse {
        let t = try topic(input.topicArn)
        let proto = input.protocol.lowercased()
        guard ["email", "email-json", "lambda", "sqs", "http", "https"].contains(proto) else {
            throw .invalidParameter("Invalid parameter: Amazon SNS does not support this protocol string: \(input.protocol)")
        }
        guard let endpoint = input.endpoint, !endpoint.isEmpty else { throw .invalidParameter("Invalid parameter: Endpoint") }
        if proto.hasPrefix("email") {
            guard Self.isEmailAddress(endpoint) else { throw .invalidParameter("Invalid parameter: Email address") }
        }
        if proto == "sqs", ARN(endpoint)?.service != "sqs" { throw .invalidParameter("Invalid parameter: SQS endpoint ARN") }
        if proto == "http" || proto == "https", !endpoint.lowercased().hasPrefix(proto + "://") || URL(string: endpoint)?.host == nil {
            throw .invalidParameter("Invalid parameter: Endpoint must match the specified protocol")
        }
        // FIFO topics deliver to FIFO queues only; FIFO queues take only FIFO topics.
        if t.isFIFO, proto != "sqs" { throw .invalidParameter("Invalid parameter: Invalid protocol type: \(proto)") }
        if proto == "sqs", endpoint.hasSuffix(".fifo") != t.isFIFO {
            throw .invalidParameter(
                t.isFIFO
                    ? "Invalid parameter: Invalid parameter: Endpoint Reason: Please use FIFO SQS queue"
                    : "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
        }
        let settings = try Self.subscriptionSettings(input.attributes ?? [:])
        guard t.arn.region == ctx.region else { throw .invalidParameter("Invalid parameter: TopicArn") }
        // Subscribing the same endpoint again returns the existing subscription.
        let returnArn = input.returnSubscriptionArn == true
        if let existing = subscriptions.values.first(where: { $0.topicArn == t.arn && $0.protocol == proto && $0.endpoint == endpoint }) {
            return SubscribeResponse(subscriptionArn: existing.isConfirmed || returnArn ? existing.arn.description : "pending confirmation")
        }
        let arn = ARN(service: "sns", region: t.arn.region, account: t.arn.account, resource: "\(t.arn.resource):\(dispatcher.ids.uuid())")
        var sub = Subscription(arn: arn, topicArn: t.arn, protocol: proto, endpoint: endpoint, owner: ctx.account, state: .confirmed)
        sub.rawMessageDelivery = settings.raw
        sub.filterPolicyScope = settings.scope
        sub.filter = settings.filter
        // Lambda and SQS endpoints in the account need no confirmation.
        if proto == "lambda" || proto == "sqs" {
            subscriptions[arn] = sub
            return SubscribeResponse(subscriptionArn: arn.description)
        }
        let token = dispatcher.ids.hex(64) + dispatcher.ids.hex(64)
        sub.state = .pendingConfirmation(token: token)
        subscriptions[arn] = sub
        if proto.hasPrefix("http") {
            sendHTTPConfirmation(topic: t, endpoint: endpoint, token: token, at: ctx.now)
        } else {
            sendConfirmation(topic: t, endpoint: endpoint, token: token, at: ctx.now)
        }
        return SubscribeResponse(subscriptionArn: returnArn ? arn.description : "pending confirmation")
    }

    func confirmSubscription(_ input: ConfirmSubscriptionInput, _ ctx: CallContext) throws(SNSError) -> ConfirmSubscriptionResponse {
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
        return ConfirmSubscriptionResponse(subscriptionArn: sub.arn.description)
    }

    func unsubscribe(_ input: UnsubscribeInput, _ ctx: CallContext) throws(SNSError) -> EmptyShape {
        guard let arn = ARN(input.subscriptionArn), arn.service == "sns" else { throw .invalidParameter("Invalid parameter: SubscriptionArn") }
        guard subscriptions.removeValue(forKey: arn) != nil else { throw .subscriptionNotFound() }
        return EmptyShape()
    }

    static func isEmailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }
}
