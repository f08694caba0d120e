public import CloudCafeCore
import Foundation

/// SNS: topics, subscriptions and their confirmation, and Publish's fan-out. Email
/// deliveries are written to the outbox.
public actor SNS {
    let dispatcher: Dispatcher
    let outbox: MaildirOutbox
    var topics: [ARN: Topic] = [:]
    var subscriptions: [ARN: Subscription] = [:]
    /// Where the links in emails point: the daemon itself, so they work.
    var publicEndpoint: String

    /// An SNS service writing emails to `outbox`, with links to `publicEndpoint`.
    public init(dispatcher: Dispatcher, outbox: MaildirOutbox, publicEndpoint: String = "http://127.0.0.1:4566") {
        self.dispatcher = dispatcher
        self.outbox = outbox
        self.publicEndpoint = publicEndpoint
    }

    /// Sets the daemon's address once its port is bound (port 0 picks one at start-up).
    public func setPublicEndpoint(_ url: String) { publicEndpoint = url }

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

/// A topic and its attributes.
struct Topic: Sendable {
    let arn: ARN
    var displayName: String
    var owner: String
    var tags: [String: String] = [:]
    /// The topic's access policy; nil is SNS's default (the owner's account only).
    var policy: String?

    /// The access policy IAM evaluates for calls on this topic.
    var effectivePolicy: String {
        policy
            ?? #"{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"\#(arn)","Condition":{"StringEquals":{"AWS:SourceOwner":"\#(owner)"}}}]}"#
    }
}
