public import CloudCafeCore
public import Foundation
public import SNSAPI

/// SNS: topics, subscriptions and their confirmation, and Publish's fan-out. Email
/// deliveries are written to the outbox.
public actor SNS {
    let dispatcher: Dispatcher
    let outbox: MaildirOutbox
    var topics: [ARN: Topic] = [:]
    var subscriptions: [ARN: Subscription] = [:]
    /// Where the links in emails point: the daemon itself, so they work.
    let publicEndpoint: String

    /// Signs HTTP deliveries; made on first use.
    var signer: MessageSigner?
    /// Checks a topic policy's grammar; IAM's parser, so SNS need not import IAM.
    let policyCheck: @Sendable (String) -> String?

    /// An SNS service writing emails to `outbox`, with links to `publicEndpoint`;
    /// `policyCheck` answers why a policy document is malformed, or nil.
    public init(
        dispatcher: Dispatcher, outbox: MaildirOutbox, publicEndpoint: String = "http://127.0.0.1:4566",
        policyCheck: @escaping @Sendable (String) -> String? = { _ in nil }
    ) {
        self.dispatcher = dispatcher
        self.outbox = outbox
        self.publicEndpoint = publicEndpoint
        self.policyCheck = policyCheck
    }

    /// A topic's access policy, for IAM.
    nonisolated func policy(of input: PublishInput) async -> String? { await policy(of: input.topicArn ?? input.targetArn) }

    /// A topic's access policy, for IAM.
    func policy(of topicArn: String?) -> String? {
        guard let text = topicArn, let arn = ARN(text) else { return nil }
        return topics[arn]?.effectivePolicy
    }

    /// Forgets every topic and subscription (admin reset).
    public func reset() {
        topics = [:]
        subscriptions = [:]
    }

    func topic(_ arnText: String?) throws(SNSError) -> Topic {
        guard let text = arnText, let arn = ARN(text), arn.service == "sns" else {
            throw .invalidParameter("Invalid parameter: TopicArn")
        }
        guard let t = topics[arn] else { throw .topicNotFound() }
        return t
    }
}

extension SNS: AWSService {
    /// SNS over the query protocol; its denials are `AuthorizationError`/403 and its
    /// constraint failures `InvalidParameter`. Publish reaches Lambda subscribers through Lambda's API.
    public nonisolated var declarations: [ServiceDeclaration] {
        [
            ServiceDeclaration(
                model: SNSOperations.service, validationErrorCode: "InvalidParameter",
                accessDenied: AccessDeniedStyle(code: "AuthorizationError", httpStatus: 403), calls: ["lambda", "sqs"],
                agenda: [
                    AgendaKind(Self.httpRetryKind, priority: 2) { item in
                        guard let delivery = try? item.payload(as: HTTPDelivery.self) else { return nil }
                        await self.post(delivery)
                        return nil
                    }
                ],
                operations: [
                    implement(SNSOperations.createTopic, resource: { i, c in c.arn("sns", i.name).description }) { try await $0.createTopic($1, $2) },
                    implement(SNSOperations.deleteTopic, resource: { i, _ in i.topicArn }) { sns, i, _ in try await sns.deleteTopic(i) },
                    implement(SNSOperations.listTopics) { try await $0.listTopics($1, $2) },
                    implement(SNSOperations.getTopicAttributes, resource: { i, _ in i.topicArn }) { sns, i, _ in try await sns.topicAttributes(i) },
                    implement(SNSOperations.setTopicAttributes, resource: { i, _ in i.topicArn }) { try await $0.setTopicAttributes($1, $2) },
                    implement(SNSOperations.subscribe, resource: { i, _ in i.topicArn }) { try await $0.subscribe($1, $2) },
                    implement(SNSOperations.confirmSubscription, resource: { i, _ in i.topicArn }) { try await $0.confirmSubscription($1, $2) },
                    implement(SNSOperations.unsubscribe, resource: { i, _ in i.subscriptionArn }) { try await $0.unsubscribe($1, $2) },
                    implement(SNSOperations.listSubscriptions) { sns, input, ctx in
                        let (page, next) = try await sns.listSubscriptions(topic: nil, token: input.nextToken, ctx)
                        return ListSubscriptionsResponse(subscriptions: page, nextToken: next)
                    },
                    implement(SNSOperations.listSubscriptionsByTopic, resource: { i, _ in i.topicArn }) { sns, input, ctx in
                        let (page, next) = try await sns.listSubscriptions(topic: input.topicArn, token: input.nextToken, ctx)
                        return ListSubscriptionsByTopicResponse(subscriptions: page, nextToken: next)
                    },
                    implement(SNSOperations.getSubscriptionAttributes, resource: { i, _ in i.subscriptionArn }) { sns, i, _ in try await sns.subscriptionAttributes(i) },
                    implement(SNSOperations.setSubscriptionAttributes, resource: { i, _ in i.subscriptionArn }) { sns, i, _ in
                        try await sns.setSubscriptionAttributes(i)
                    },
                    implement(
                        SNSOperations.publish, resource: { i, _ in i.topicArn ?? i.targetArn }, resourcePolicy: { sns, i, _ in await sns.policy(of: i) }
                    ) { try await $0.publish($1, $2) },
                    // AWS authorizes PublishBatch as sns:Publish.
                    implement(SNSOperations.publishBatch, action: "sns:Publish", resource: { i, _ in i.topicArn }) { try await $0.publishBatch($1, $2) },
                    implement(SNSOperations.tagResource, resource: { i, _ in i.resourceArn }) { sns, i, _ in try await sns.tagResource(i) },
                    implement(SNSOperations.untagResource, resource: { i, _ in i.resourceArn }) { sns, i, _ in try await sns.untagResource(i) },
                    implement(SNSOperations.listTagsForResource, resource: { i, _ in i.resourceArn }) { sns, i, _ in try await sns.listTags(i) },
                ])
        ]
    }

    /// The links in emails: ConfirmSubscription and Unsubscribe as AWS answers them from a
    /// browser, without credentials (the token or the subscription ARN is the proof).
    public func confirmByLink(_ input: ConfirmSubscriptionInput, _ ctx: CallContext) throws(SNSError) -> ConfirmSubscriptionResponse {
        try confirmSubscription(input, ctx)
    }

    /// The unsubscribe link at the foot of every email.
    public func unsubscribeByLink(_ input: UnsubscribeInput, _ ctx: CallContext) throws(SNSError) -> EmptyShape {
        try unsubscribe(input, ctx)
    }
}

/// A topic and its attributes.
struct Topic: Sendable, Codable {
    let arn: ARN
    var displayName: String
    var owner: String
    var tags: [String: String] = [:]
    /// The topic's access policy; nil is SNS's default (the owner's account only).
    var policy: String?
    /// FIFO topics: ordered per message group, deduplicated for five minutes, to FIFO queues only.
    var isFIFO = false
    /// `1` (SHA1) or `2` (SHA256): how HTTP deliveries are signed.
    var signatureVersion = "1"
    var contentBasedDeduplication = false
    /// FIFO: deduplication ids seen in the last five minutes, with what they were answered.
    var recentIDs: [String: DeduplicationRecord] = [:]
    var sequence: UInt64 = 0

    /// The access policy IAM evaluates for calls on this topic.
    var effectivePolicy: String {
        policy
            ?? #"{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"\#(arn)","Condition":{"StringEquals":{"AWS:SourceOwner":"\#(owner)"}}}]}"#
    }
}

extension SNS: StatefulService {
    struct State: Sendable, Codable {
        let topics: [ARN: Topic]
        let subscriptions: [ARN: Subscription]
    }

    public nonisolated var stateName: String { "sns" }
    public func captureState() -> any Sendable { State(topics: topics, subscriptions: subscriptions) }

    public func restoreState(_ state: any Sendable) {
        guard let s = state as? State else { return }
        (topics, subscriptions) = (s.topics, s.subscriptions)
    }

    public nonisolated func encodeState(_ state: any Sendable) throws -> Data { try encode(state, as: State.self) }
    public nonisolated func decodeState(_ data: Data) throws -> any Sendable { try decode(data, as: State.self) }
}
