import CloudCafeCore
import Foundation
import SNSAPI

extension SNS {
    static let pageSize = 100

    func deleteTopic(_ input: DeleteTopicInput) throws(SNSError) -> EmptyShape {
        // Deleting a topic that does not exist succeeds, as in AWS.
        if let arn = ARN(input.topicArn), topics.removeValue(forKey: arn) != nil {
            subscriptions = subscriptions.filter { $0.value.topicArn != arn }
        }
        return EmptyShape()
    }

    static func page<T>(_ items: [T], token: String?) throws(SNSError) -> ([T], String?) {
        guard let page = Pagination.page(items, size: pageSize, token: token) else { throw .invalidParameter("Invalid parameter: NextToken") }
        return page
    }

    func listTopics(_ input: ListTopicsInput, _ ctx: CallContext) throws(SNSError) -> ListTopicsResponse {
        let arns = topics.keys.filter { $0.region == ctx.region && $0.account == ctx.account }.map(\.description).sorted()
        let (page, next) = try Self.page(arns, token: input.nextToken)
        return ListTopicsResponse(topics: page.map { SNSAPI.Topic(topicArn: $0) }, nextToken: next)
    }

    func topicAttributes(_ input: GetTopicAttributesInput) throws(SNSError) -> GetTopicAttributesResponse {
        let t = try topic(input.topicArn)
        let subs = subscriptions.values.filter { $0.topicArn == t.arn }
        let policy = t.effectivePolicy
        var attributes = [
            "TopicArn": t.arn.description, "Owner": t.owner, "DisplayName": t.displayName, "Policy": policy,
            "SubscriptionsConfirmed": String(subs.filter(\.isConfirmed).count),
            "SubscriptionsPending": String(subs.filter { !$0.isConfirmed }.count), "SubscriptionsDeleted": "0",
            "EffectiveDeliveryPolicy":
                #"{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}"#,
        ]
        if t.isFIFO {
            attributes["FifoTopic"] = "true"
            attributes["ContentBasedDeduplication"] = t.contentBasedDeduplication ? "true" : "false"
        }
        return GetTopicAttributesResponse(attributes: attributes)
    }

    func listSubscriptions(topic topicArn: String?, token: String?, _ ctx: CallContext) throws(SNSError) -> ([SNSAPI.Subscription], String?) {
        var subs = subscriptions.values.filter { $0.topicArn.region == ctx.region }
        if let topicArn {
            let t = try topic(topicArn)
            subs = subs.filter { $0.topicArn == t.arn }
        }
        let entries = subs.sorted { $0.arn.description < $1.arn.description }.map { s in
            SNSAPI.Subscription(
                subscriptionArn: s.isConfirmed ? s.arn.description : "PendingConfirmation", owner: s.owner, protocol: s.protocol, endpoint: s.endpoint,
                topicArn: s.topicArn.description)
        }
        return try Self.page(entries, token: token)
    }

    func subscription(_ arnText: String) throws(SNSError) -> Subscription {
        guard let arn = ARN(arnText), arn.service == "sns" else { throw .invalidParameter("Invalid parameter: SubscriptionArn") }
        guard let s = subscriptions[arn] else { throw .subscriptionNotFound() }
        return s
    }

    func subscriptionAttributes(_ input: GetSubscriptionAttributesInput) throws(SNSError) -> GetSubscriptionAttributesResponse {
        let s = try subscription(input.subscriptionArn)
        var attributes = [
            "SubscriptionArn": s.arn.description, "TopicArn": s.topicArn.description, "Owner": s.owner, "Protocol": s.protocol,
            "Endpoint": s.endpoint, "PendingConfirmation": s.isConfirmed ? "false" : "true", "ConfirmationWasAuthenticated": s.isConfirmed ? "true" : "false",
            "RawMessageDelivery": s.rawMessageDelivery ? "true" : "false",
        ]
        if let f = s.filter {
            attributes["FilterPolicy"] = f.text
            attributes["FilterPolicyScope"] = f.scope.rawValue
        }
        return GetSubscriptionAttributesResponse(attributes: attributes)
    }

    func setSubscriptionAttributes(_ input: SetSubscriptionAttributesInput) throws(SNSError) -> EmptyShape {
        var s = try subscription(input.subscriptionArn)
        switch input.attributeName {
        case "RawMessageDelivery":
            guard let v = input.attributeValue, v == "true" || v == "false" else {
                throw .invalidParameter("Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value")
            }
            s.rawMessageDelivery = v == "true"
        case "FilterPolicy":
            let text = input.attributeValue ?? ""
            s.filter = text.isEmpty || text == "{}" ? nil : try Self.filterPolicy(text, scope: s.filterPolicyScope, reason: "Invalid parameter: FilterPolicy: ")
        case "FilterPolicyScope":
            s.filterPolicyScope = try Self.scope(input.attributeValue ?? "", reason: "Invalid parameter: FilterPolicyScope: ")
            // The policy is read again in its new scope.
            if let f = s.filter { s.filter = try Self.filterPolicy(f.text, scope: s.filterPolicyScope, reason: "Invalid parameter: FilterPolicy: ") }
        case "DeliveryPolicy", "RedrivePolicy", "SubscriptionRoleArn":
            break
        default:
            throw .invalidParameter("Invalid parameter: AttributeName")
        }
        subscriptions[s.arn] = s
        return EmptyShape()
    }

    func publishBatch(_ input: PublishBatchInput, _ ctx: CallContext) throws(SNSError) -> PublishBatchResponse {
        _ = try topic(input.topicArn)
        let entries = input.publishBatchRequestEntries
        guard !entries.isEmpty else { throw SNSError(code: .emptyBatchRequest, message: "The batch request doesn't contain any entries.") }
        guard entries.count <= 10 else {
            throw SNSError(code: .tooManyEntriesInBatchRequest, message: "The batch request contains more entries than permissible.")
        }
        guard Set(entries.map(\.id)).count == entries.count else {
            throw SNSError(code: .batchEntryIdsNotDistinct, message: "Two or more batch entries in the request have the same Id.")
        }
        var ok: [PublishBatchResultEntry] = []
        var failed: [BatchResultErrorEntry] = []
        for e in entries {
            do {
                let out = try publish(
                    PublishInput(
                        topicArn: input.topicArn, message: e.message, subject: e.subject, messageStructure: e.messageStructure,
                        messageAttributes: e.messageAttributes),
                    ctx)
                ok.append(PublishBatchResultEntry(id: e.id, messageId: out.messageId))
            } catch {
                failed.append(BatchResultErrorEntry(id: e.id, code: error.errorCode, message: error.message, senderFault: true))
            }
        }
        return PublishBatchResponse(successful: ok, failed: failed)
    }
}
