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
            if name == "RedrivePolicy", !value.isEmpty { try checkRedrive(value) }
        }
    }

    /// A `RedrivePolicy` must name an existing queue and a receive count from 1 to 1,000.
    func checkRedrive(_ text: String) throws(SQSError) {
        let invalid = { (reason: String) in SQSError(code: .invalidParameterValue, message: "Value \(text) for parameter RedrivePolicy is invalid. Reason: \(reason)") }
        guard case .object? = try? JSONValue(parsing: text), let policy = try? JSONValue(parsing: text) else { throw invalid("Redrive policy is not a valid JSON map.") }
        guard let targetText = policy["deadLetterTargetArn"]?.stringValue else { throw invalid("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.") }
        guard let count = policy["maxReceiveCount"].flatMap({ $0.intValue ?? $0.stringValue.flatMap { Int($0) } }) else {
            throw invalid("Redrive policy does not contain mandatory attribute: maxReceiveCount.")
        }
        guard (1...1000).contains(count) else { throw invalid("Invalid value for maxReceiveCount: \(count), valid values are from 1 to 1000 both inclusive.") }
        guard let target = ARN(targetText), queues[Key(region: target.region, name: target.resource)] != nil else {
            throw invalid("Dead letter target does not exist.")
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
