import CloudCafeCore
import SQSAPI

// Queue attributes: what SetQueueAttributes and CreateQueue accept, and the queue's policy.
extension SQS {
    /// Writable attributes and the integer bounds AWS states for them (nil: not an integer).
    static let writable: [String: ClosedRange<Int>?] = [
        "DelaySeconds": 0...900, "MaximumMessageSize": 1024...1_048_576, "MessageRetentionPeriod": 60...1_209_600,
        "ReceiveMessageWaitTimeSeconds": 0...20, "VisibilityTimeout": 0...43_200, "KmsDataKeyReusePeriodSeconds": 60...86_400,
        "Policy": nil, "RedrivePolicy": nil, "RedriveAllowPolicy": nil, "KmsMasterKeyId": nil, "SqsManagedSseEnabled": nil,
        "ContentBasedDeduplication": nil, "DeduplicationScope": nil, "FifoThroughputLimit": nil, "FifoQueue": nil,
    ]

    /// Checks attributes as AWS does: known names, integers within bounds, a policy IAM can read.
    func checkAttributes(_ attributes: [String: String]) throws(SQSError) {
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
            guard let bounds = Self.writable[name] else { throw SQSError(code: .invalidAttributeName, message: "Unknown Attribute \(name).") }
            if let bounds, !(Int(value).map(bounds.contains) ?? false) {
                throw SQSError(code: .invalidAttributeValue, message: "Invalid value for the parameter \(name).")
            }
            if name == "Policy", !value.isEmpty, policyCheck(value) != nil {
                throw SQSError(code: .invalidAttributeValue, message: "Invalid value for the parameter Policy.")
            }
        }
    }

    func setAttributes(_ input: SetQueueAttributesRequest, _ ctx: CallContext) throws(SQSError) -> EmptyShape {
        let k = try key(forURL: input.queueUrl, ctx)
        try checkAttributes(input.attributes)
        for (name, value) in input.attributes { queues[k]?.attributes[name] = value.isEmpty && name == "Policy" ? nil : value }
        return EmptyShape()
    }

    /// The queue's access policy, for IAM to evaluate with the caller's (an SNS topic or an
    /// EventBridge rule sends to a queue only when it allows them).
    func policy(forURL url: String, _ ctx: CallContext) -> String? {
        (try? key(forURL: url, ctx)).flatMap { queues[$0]?.attributes["Policy"] }
    }
}
