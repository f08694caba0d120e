import CloudCafeCore
import SNSAPI

// Tags on topics: TagResource, UntagResource, ListTagsForResource, and CreateTopic's Tags.
extension SNS {
    /// A topic holds at most 50 tags.
    static let tagLimit = 50

    func taggedTopic(_ arnText: String) throws(SNSError) -> Topic {
        guard let arn = ARN(arnText), let t = topics[arn] else { throw SNSError(code: .resourceNotFound, message: "Resource does not exist") }
        return t
    }

    /// Adds or replaces `tags` on a topic, refusing the whole request past the quota.
    func addTags(_ tags: [Tag], to topic: inout Topic) throws(SNSError) {
        var merged = topic.tags
        for tag in tags { merged[tag.key] = tag.value }
        guard merged.count <= Self.tagLimit else {
            throw SNSError(code: .tagLimitExceeded, message: "Could not complete request: tag quota of per resource exceeded")
        }
        topic.tags = merged
    }

    func tagResource(_ input: TagResourceRequest) throws(SNSError) -> TagResourceResponse {
        var t = try taggedTopic(input.resourceArn)
        try addTags(input.tags, to: &t)
        topics[t.arn] = t
        return TagResourceResponse()
    }

    func untagResource(_ input: UntagResourceRequest) throws(SNSError) -> UntagResourceResponse {
        var t = try taggedTopic(input.resourceArn)
        for key in input.tagKeys { t.tags[key] = nil }
        topics[t.arn] = t
        return UntagResourceResponse()
    }

    func listTags(_ input: ListTagsForResourceRequest) throws(SNSError) -> ListTagsForResourceResponse {
        let t = try taggedTopic(input.resourceArn)
        return ListTagsForResourceResponse(tags: t.tags.keys.sorted().map { Tag(key: $0, value: t.tags[$0] ?? "") })
    }
}
