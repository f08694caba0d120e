public import CloudCafeCore
import Foundation

// MARK: - Shapes (botocore sns 2010-03-31)

/// A topic ARN as ListTopics lists it.
public struct TopicEntry: Sendable, Codable {
    public var topicArn: String
    enum CodingKeys: String, CodingKey { case topicArn = "TopicArn" }
}

/// ListTopics input.
public struct ListTopicsInput: Sendable, Codable {
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case nextToken = "NextToken" }
}

/// ListTopics output.
public struct ListTopicsOutput: Sendable, Codable {
    public var topics: [TopicEntry]
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case topics = "Topics", nextToken = "NextToken" }
}

/// Input naming one topic.
public struct TopicArnInput: Sendable, Codable {
    public var topicArn: String
    enum CodingKeys: String, CodingKey { case topicArn = "TopicArn" }
}

/// GetTopicAttributes / GetSubscriptionAttributes output.
public struct AttributesOutput: Sendable, Codable {
    public var attributes: [String: String]
    enum CodingKeys: String, CodingKey { case attributes = "Attributes" }
}

/// A subscription as the List operations show it.
public struct SubscriptionEntry: Sendable, Codable {
    public var subscriptionArn: String
    public var owner: String
    public var `protocol`: String
    public var endpoint: String
    public var topicArn: String
    enum CodingKeys: String, CodingKey {
        case subscriptionArn = "SubscriptionArn", owner = "Owner", `protocol` = "Protocol", endpoint = "Endpoint", topicArn = "TopicArn"
    }
}

/// ListSubscriptions input.
public struct ListSubscriptionsInput: Sendable, Codable {
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case nextToken = "NextToken" }
}

/// ListSubscriptionsByTopic input.
public struct ListSubscriptionsByTopicInput: Sendable, Codable {
    public var topicArn: String
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case topicArn = "TopicArn", nextToken = "NextToken" }
}

/// ListSubscriptions(ByTopic) output.
public struct ListSubscriptionsOutput: Sendable, Codable {
    public var subscriptions: [SubscriptionEntry]
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case subscriptions = "Subscriptions", nextToken = "NextToken" }
}

/// GetSubscriptionAttributes input.
public struct SubscriptionArnInput: Sendable, Codable {
    public var subscriptionArn: String
    enum CodingKeys: String, CodingKey { case subscriptionArn = "SubscriptionArn" }
}

/// SetSubscriptionAttributes input.
public struct SetSubscriptionAttributesInput: Sendable, Codable {
    public var subscriptionArn: String
    public var attributeName: String
    public var attributeValue: String?
    enum CodingKeys: String, CodingKey { case subscriptionArn = "SubscriptionArn", attributeName = "AttributeName", attributeValue = "AttributeValue" }
}

/// One entry of PublishBatch.
public struct PublishBatchEntry: Sendable, Codable {
    public var id: String
    public var message: String
    public var subject: String?
    enum CodingKeys: String, CodingKey { case id = "Id", message = "Message", subject = "Subject" }
}

/// PublishBatch input.
public struct PublishBatchInput: Sendable, Codable {
    public var topicArn: String
    public var publishBatchRequestEntries: [PublishBatchEntry]
    enum CodingKeys: String, CodingKey { case topicArn = "TopicArn", publishBatchRequestEntries = "PublishBatchRequestEntries" }
}

/// A published entry.
public struct PublishBatchSuccess: Sendable, Codable {
    public var id: String
    public var messageId: String
    enum CodingKeys: String, CodingKey { case id = "Id", messageId = "MessageId" }
}

/// A rejected entry.
public struct PublishBatchFailure: Sendable, Codable {
    public var id: String
    public var code: String
    public var message: String
    public var senderFault: Bool
    enum CodingKeys: String, CodingKey { case id = "Id", code = "Code", message = "Message", senderFault = "SenderFault" }
}

/// PublishBatch output.
public struct PublishBatchOutput: Sendable, Codable {
    public var successful: [PublishBatchSuccess]
    public var failed: [PublishBatchFailure]
    enum CodingKeys: String, CodingKey { case successful = "Successful", failed = "Failed" }
}

// MARK: - Operations

extension SNS {
    static let pageSize = 100

    /// DeleteTopic.
    public static let deleteTopic = Operation<SNS, TopicArnInput, SNSEmptyOutput>(
        name: "DeleteTopic", action: "sns:DeleteTopic", resource: { i, _ in i.topicArn }
    ) { sns, input, _ in try await sns.deleteTopic(input) }

    /// ListTopics.
    public static let listTopics = Operation<SNS, ListTopicsInput, ListTopicsOutput>(
        name: "ListTopics", action: "sns:ListTopics"
    ) { sns, input, ctx in try await sns.listTopics(input, ctx) }

    /// GetTopicAttributes.
    public static let getTopicAttributes = Operation<SNS, TopicArnInput, AttributesOutput>(
        name: "GetTopicAttributes", action: "sns:GetTopicAttributes", resource: { i, _ in i.topicArn }
    ) { sns, input, _ in try await sns.topicAttributes(input) }

    /// ListSubscriptions.
    public static let listSubscriptions = Operation<SNS, ListSubscriptionsInput, ListSubscriptionsOutput>(
        name: "ListSubscriptions", action: "sns:ListSubscriptions"
    ) { sns, input, ctx in try await sns.listSubscriptions(topic: nil, token: input.nextToken, ctx) }

    /// ListSubscriptionsByTopic.
    public static let listSubscriptionsByTopic = Operation<SNS, ListSubscriptionsByTopicInput, ListSubscriptionsOutput>(
        name: "ListSubscriptionsByTopic", action: "sns:ListSubscriptionsByTopic", resource: { i, _ in i.topicArn }
    ) { sns, input, ctx in try await sns.listSubscriptions(topic: input.topicArn, token: input.nextToken, ctx) }

    /// GetSubscriptionAttributes.
    public static let getSubscriptionAttributes = Operation<SNS, SubscriptionArnInput, AttributesOutput>(
        name: "GetSubscriptionAttributes", action: "sns:GetSubscriptionAttributes", resource: { i, _ in i.subscriptionArn }
    ) { sns, input, _ in try await sns.subscriptionAttributes(input) }

    /// SetSubscriptionAttributes.
    public static let setSubscriptionAttributes = Operation<SNS, SetSubscriptionAttributesInput, SNSEmptyOutput>(
        name: "SetSubscriptionAttributes", action: "sns:SetSubscriptionAttributes", resource: { i, _ in i.subscriptionArn }
    ) { sns, input, _ in try await sns.setSubscriptionAttributes(input) }

    /// PublishBatch.
    public static let publishBatch = Operation<SNS, PublishBatchInput, PublishBatchOutput>(
        name: "PublishBatch", action: "sns:Publish", resource: { i, _ in i.topicArn }
    ) { sns, input, ctx in try await sns.publishBatch(input, ctx) }

    func deleteTopic(_ input: TopicArnInput) throws(SNSError) -> SNSEmptyOutput {
        // Deleting a topic that does not exist succeeds, as in AWS.
        if let arn = ARN(input.topicArn), topics.removeValue(forKey: arn) != nil {
            subscriptions = subscriptions.filter { $0.value.topicArn != arn }
        }
        return SNSEmptyOutput()
    }

    static func page<T>(_ items: [T], token: String?) throws(SNSError) -> ([T], String?) {
        guard let page = Pagination.page(items, size: pageSize, token: token) else { throw .invalidParameter("Invalid parameter: NextToken") }
        return page
    }

    func listTopics(_ input: ListTopicsInput, _ ctx: CallContext) throws(SNSError) -> ListTopicsOutput {
        let arns = topics.keys.filter { $0.region == ctx.region && $0.account == ctx.account }.map(\.description).sorted()
        let (page, next) = try Self.page(arns, token: input.nextToken)
        return ListTopicsOutput(topics: page.map(TopicEntry.init), nextToken: next)
    }

    func topicAttributes(_ input: TopicArnInput) throws(SNSError) -> AttributesOutput {
        let t = try topic(input.topicArn)
        let subs = subscriptions.values.filter { $0.topicArn == t.arn }
        let policy = t.effectivePolicy
        return AttributesOutput(attributes: [
            "TopicArn": t.arn.description, "Owner": t.owner, "DisplayName": t.displayName, "Policy": policy,
            "SubscriptionsConfirmed": String(subs.filter(\.isConfirmed).count),
            "SubscriptionsPending": String(subs.filter { !$0.isConfirmed }.count), "SubscriptionsDeleted": "0",
            "EffectiveDeliveryPolicy":
                #"{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}"#,
        ])
    }

    func listSubscriptions(topic topicArn: String?, token: String?, _ ctx: CallContext) throws(SNSError) -> ListSubscriptionsOutput {
        var subs = subscriptions.values.filter { $0.topicArn.region == ctx.region }
        if let topicArn {
            let t = try topic(topicArn)
            subs = subs.filter { $0.topicArn == t.arn }
        }
        let entries = subs.sorted { $0.arn.description < $1.arn.description }.map { s in
            SubscriptionEntry(
                subscriptionArn: s.isConfirmed ? s.arn.description : "PendingConfirmation", owner: s.owner, protocol: s.protocol, endpoint: s.endpoint,
                topicArn: s.topicArn.description)
        }
        let (page, next) = try Self.page(entries, token: token)
        return ListSubscriptionsOutput(subscriptions: page, nextToken: next)
    }

    func subscription(_ arnText: String) throws(SNSError) -> Subscription {
        guard let arn = ARN(arnText), arn.service == "sns" else { throw .invalidParameter("Invalid parameter: SubscriptionArn") }
        guard let s = subscriptions[arn] else { throw .subscriptionNotFound() }
        return s
    }

    func subscriptionAttributes(_ input: SubscriptionArnInput) throws(SNSError) -> AttributesOutput {
        let s = try subscription(input.subscriptionArn)
        var attributes = [
            "SubscriptionArn": s.arn.description, "TopicArn": s.topicArn.description, "Owner": s.owner, "Protocol": s.protocol,
            "Endpoint": s.endpoint, "PendingConfirmation": s.isConfirmed ? "false" : "true", "ConfirmationWasAuthenticated": s.isConfirmed ? "true" : "false",
            "RawMessageDelivery": s.rawMessageDelivery ? "true" : "false",
        ]
        if let f = s.filterPolicy { attributes["FilterPolicy"] = f }
        return AttributesOutput(attributes: attributes)
    }

    func setSubscriptionAttributes(_ input: SetSubscriptionAttributesInput) throws(SNSError) -> SNSEmptyOutput {
        var s = try subscription(input.subscriptionArn)
        switch input.attributeName {
        case "RawMessageDelivery":
            guard let v = input.attributeValue, v == "true" || v == "false" else {
                throw .invalidParameter("Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value")
            }
            s.rawMessageDelivery = v == "true"
        case "FilterPolicy":
            s.filterPolicy = input.attributeValue
        case "DeliveryPolicy", "FilterPolicyScope", "RedrivePolicy", "SubscriptionRoleArn":
            break
        default:
            throw .invalidParameter("Invalid parameter: AttributeName")
        }
        subscriptions[s.arn] = s
        return SNSEmptyOutput()
    }

    func publishBatch(_ input: PublishBatchInput, _ ctx: CallContext) throws(SNSError) -> PublishBatchOutput {
        _ = try topic(input.topicArn)
        let entries = input.publishBatchRequestEntries
        guard !entries.isEmpty else { throw SNSError(code: .emptyBatchRequest, message: "The batch request doesn't contain any entries.") }
        guard entries.count <= 10 else {
            throw SNSError(code: .tooManyEntriesInBatchRequest, message: "The batch request contains more entries than permissible.")
        }
        guard Set(entries.map(\.id)).count == entries.count else {
            throw SNSError(code: .batchEntryIdsNotDistinct, message: "Two or more batch entries in the request have the same Id.")
        }
        var ok: [PublishBatchSuccess] = []
        var failed: [PublishBatchFailure] = []
        for e in entries {
            do {
                let out = try publish(PublishInput(topicArn: input.topicArn, message: e.message, subject: e.subject), ctx)
                ok.append(PublishBatchSuccess(id: e.id, messageId: out.messageId))
            } catch {
                failed.append(PublishBatchFailure(id: e.id, code: error.errorCode, message: error.message, senderFault: true))
            }
        }
        return PublishBatchOutput(successful: ok, failed: failed)
    }
}
