import CloudCafeCore
import Crypto
import Foundation
import LambdaAPI
import Logging
import SNSAPI
import SQSAPI

extension SNS {
    static let maxMessageBytes = 262_144

    func publish(_ input: PublishInput, _ ctx: CallContext) throws(SNSError) -> PublishResponse {
        let t = try topic(input.topicArn ?? input.targetArn)
        guard !input.message.isEmpty else { throw .invalidParameter("Invalid parameter: Empty message") }
        guard input.message.utf8.count <= Self.maxMessageBytes else {
            throw .invalidParameter("Invalid parameter: Message too long")
        }
        if let subject = input.subject {
            // AWS: ASCII text beginning with a letter, number or punctuation; no line breaks; under 100 characters.
            let ok =
                !subject.isEmpty && subject.count <= 100 && subject.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
                && subject.first != " "
            guard ok else { throw .invalidParameter("Invalid parameter: Subject") }
        }
        try Self.checkAttributes(input.messageAttributes)
        let messages = try Self.messagesByProtocol(input)
        var sequence: String?
        var deduplicationID: String?
        if t.isFIFO {
            guard let group = input.messageGroupId, !group.isEmpty else {
                throw .invalidParameter("Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
            }
            _ = group
            deduplicationID = input.messageDeduplicationId
            if deduplicationID == nil, t.contentBasedDeduplication {
                deduplicationID = Digits.hex(SHA256.hash(data: Data(input.message.utf8)))
            }
            guard let id = deduplicationID else {
                throw .invalidParameter(
                    "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
            }
            var topic = t
            topic.recentIDs = topic.recentIDs.filter { ctx.now.timeIntervalSince($0.value.at) < 300 }
            if let seen = topic.recentIDs[id] {
                // A duplicate within five minutes is acknowledged as the original, and not delivered again.
                topics[t.arn] = topic
                return PublishResponse(messageId: seen.messageID, sequenceNumber: seen.sequence)
            }
            topic.sequence += 1
            sequence = Digits.padded(topic.sequence, 20)
            topics[t.arn] = topic
        }
        let messageID = dispatcher.ids.uuid()
        if let id = deduplicationID, let sequence { topics[t.arn]?.recentIDs[id] = DeduplicationRecord(messageID: messageID, sequence: sequence, at: ctx.now) }
        for sub in subscriptions.values.sorted(by: { $0.arn.description < $1.arn.description }) where sub.topicArn == t.arn {
            // What was not delivered shows on the timeline with why.
            guard sub.isConfirmed else {
                skipped(sub, t, messageID, "the subscription is pending confirmation", ctx)
                continue
            }
            guard Self.accepts(sub.filter, message: input.message, attributes: input.messageAttributes) else {
                skipped(sub, t, messageID, "the subscription's filter policy does not match the message", ctx)
                continue
            }
            var input = input
            input.message = messages?[sub.protocol] ?? messages?["default"] ?? input.message
            switch sub.protocol {
            case "email":
                deliver(
                    email(t, sub, body: input.message + "\n\n--\n" + footer(for: sub), subject: input.subject ?? "AWS Notification Message", ctx),
                    messageID: messageID, topic: t, ctx)
            case "email-json":
                // email-json subscribers receive the notification as JSON, without the footer.
                deliver(
                    email(
                        t, sub, body: notification(t, sub, input, messageID: messageID, ctx).compact, subject: input.subject ?? "AWS Notification Message", ctx),
                    messageID: messageID, topic: t, ctx)
            case "lambda":
                // SNS invokes the function asynchronously as itself, for the topic: its resource policy decides.
                let event = JSONValue.object([
                    (
                        "Records",
                        .array([
                            .object([
                                ("EventSource", .string("aws:sns")), ("EventVersion", .string("1.0")), ("EventSubscriptionArn", .string(sub.arn.description)),
                                ("Sns", notification(t, sub, input, messageID: messageID, ctx)),
                            ])
                        ])
                    )
                ])
                // On the timeline the delivery is an effect of the Publish call.
                let sns = dispatcher.client(as: .service("sns.amazonaws.com"), region: t.arn.region, sourceArn: t.arn.description, causeID: ctx.requestID)
                let endpoint = sub.endpoint
                dispatcher.work.spawn {
                    do {
                        _ = try await sns.send(LambdaOperations.invoke, InvocationRequest(functionName: endpoint, invocationType: "Event", payload: event.data))
                    } catch {
                        Logger(label: "cloudcafe.sns").warning("lambda delivery failed", metadata: ["subscription": "\(endpoint)", "error": "\(error)"])
                    }
                }
            case "http", "https":
                deliverToHTTP(t, sub, input, messageID: messageID, ctx)
            case "sqs":
                deliverToQueue(t, sub, input, messageID: messageID, deduplicationID: deduplicationID, ctx)
            default:
                break
            }
        }
        return PublishResponse(messageId: messageID, sequenceNumber: sequence)
    }

    /// With `MessageStructure` `json`, the message for each protocol (`default` for the rest).
    static func messagesByProtocol(_ input: PublishInput) throws(SNSError) -> [String: String]? {
        guard input.messageStructure == "json" else { return nil }
        guard case .object(let members)? = try? JSONValue(parsing: input.message) else {
            throw .invalidParameter("Invalid parameter: Message Structure - JSON message body failed to parse")
        }
        var out: [String: String] = [:]
        for (key, value) in members { out[key] = value.stringValue ?? value.compact }
        guard out["default"] != nil else { throw .invalidParameter("Invalid parameter: Message Structure - No default entry in JSON message body") }
        return out
    }

    /// Sends to a queue as SNS does, as itself for the topic: the queue's policy decides.
    /// Raw delivery sends the message and its attributes; otherwise the JSON notification.
    func deliverToQueue(_ t: Topic, _ sub: Subscription, _ input: PublishInput, messageID: String, deduplicationID: String?, _ ctx: CallContext) {
        guard let queue = ARN(sub.endpoint) else { return }
        let url = queue.sqsQueueURL
        var request: SendMessageRequest
        if sub.rawMessageDelivery {
            let attributes = input.messageAttributes?.mapValues {
                SQSAPI.MessageAttributeValue(stringValue: $0.stringValue, binaryValue: $0.binaryValue, dataType: $0.dataType)
            }
            request = SendMessageRequest(queueUrl: url, messageBody: input.message, messageAttributes: attributes)
        } else {
            var members: [(String, JSONValue)] = [
                ("Type", .string("Notification")), ("MessageId", .string(messageID)), ("TopicArn", .string(t.arn.description)),
            ]
            if let subject = input.subject { members.append(("Subject", .string(subject))) }
            members += [
                ("Message", .string(input.message)), ("Timestamp", .string(TimeText.iso8601(ctx.now))), ("SignatureVersion", .string("1")),
                ("UnsubscribeURL", .string("\(publicEndpoint)/unsubscribe.html?SubscriptionArn=\(Self.queryValue(sub.arn.description))")),
            ]
            if let attributes = input.messageAttributes, !attributes.isEmpty { members.append(("MessageAttributes", Self.notificationAttributes(attributes))) }
            request = SendMessageRequest(queueUrl: url, messageBody: JSONValue.object(members).compact)
        }
        if t.isFIFO {
            // The queue keeps the topic's order and deduplication.
            request.messageGroupId = input.messageGroupId
            request.messageDeduplicationId = deduplicationID
        }
        let sns = dispatcher.client(as: .service("sns.amazonaws.com"), region: queue.region, sourceArn: t.arn.description, causeID: ctx.requestID)
        let endpoint = sub.endpoint
        let send = request
        dispatcher.work.spawn {
            do {
                _ = try await sns.send(SQSOperations.sendMessage, send)
            } catch {
                Logger(label: "cloudcafe.sns").warning("sqs delivery failed", metadata: ["subscription": "\(endpoint)", "error": "\(error)"])
            }
        }
    }

    func email(_ t: Topic, _ sub: Subscription, body: String, subject: String, _ ctx: CallContext) -> Email {
        Email(
            fromName: t.displayName.isEmpty ? "AWS Notifications" : t.displayName, to: sub.endpoint, subject: subject, date: ctx.now,
            messageID: dispatcher.ids.uuid(), body: body)
    }

    /// The notification document SNS sends to JSON endpoints (Lambda, email-json).
    func notification(_ t: Topic, _ sub: Subscription, _ input: PublishInput, messageID: String, _ ctx: CallContext) -> JSONValue {
        .object([
            ("Type", .string("Notification")), ("MessageId", .string(messageID)), ("TopicArn", .string(t.arn.description)),
            ("Subject", input.subject.map(JSONValue.string) ?? .null), ("Message", .string(input.message)),
            ("Timestamp", .string(TimeText.iso8601(ctx.now))), ("SignatureVersion", .string("1")),
            // Lambda events spell it UnsubscribeUrl; JSON email, UnsubscribeURL.
            (
                sub.protocol == "lambda" ? "UnsubscribeUrl" : "UnsubscribeURL",
                .string("\(publicEndpoint)/unsubscribe.html?SubscriptionArn=\(Self.queryValue(sub.arn.description))")
            ),
            ("MessageAttributes", Self.notificationAttributes(input.messageAttributes)),
        ])
    }

    /// The footer SNS appends to every email, with a working unsubscribe link.
    func footer(for sub: Subscription) -> String {
        """
        If you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:
        \(publicEndpoint)/unsubscribe.html?SubscriptionArn=\(Self.queryValue(sub.arn.description))&Endpoint=\(Self.queryValue(sub.endpoint))

        Please do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.amazon.com/support
        """
    }

    func sendConfirmation(topic t: Topic, endpoint: String, token: String, at now: Date) {
        let link = "\(publicEndpoint)/confirmation.html?TopicArn=\(Self.queryValue(t.arn.description))&Token=\(token)&Endpoint=\(Self.queryValue(endpoint))"
        let body = """
            You have chosen to subscribe to the topic:
            \(t.arn)

            To confirm this subscription, click or visit the link below (If this was in error no action is necessary):
            \(link)

            Please do not reply directly to this email. If you wish to remove yourself from receiving all future SNS subscription confirmation requests please send an email to sns-opt-out
            """
        let email = Email(
            fromName: t.displayName.isEmpty ? "AWS Notifications" : t.displayName, to: endpoint,
            subject: "AWS Notification - Subscription Confirmation", date: now, messageID: dispatcher.ids.uuid(), body: body)
        deliver(email)
    }

    /// Writes one email. A failed delivery does not fail Publish, as in AWS; it is logged.
    /// For a published message, the timeline records the file under the Publish call.
    func deliver(_ email: Email, messageID: String? = nil, topic: Topic? = nil, _ ctx: CallContext? = nil) {
        do {
            let file = try outbox.deliver(email)
            if let messageID, let topic, let ctx {
                dispatcher.timeline.record(
                    "delivery", cause: ctx.requestID, time: ctx.now,
                    details: [
                        ("protocol", .string("email")), ("endpoint", .string(email.to)), ("topic", .string(topic.arn.description)),
                        ("messageId", .string(messageID)), ("subject", .string(email.subject)), ("file", .string(file)),
                    ])
            }
        } catch {
            Logger(label: "cloudcafe.sns").error("email delivery failed", metadata: ["to": "\(email.to)", "error": "\(error)"])
        }
    }

    /// A subscriber the message did not reach, with why.
    func skipped(_ sub: Subscription, _ topic: Topic, _ messageID: String, _ why: String, _ ctx: CallContext) {
        dispatcher.timeline.record(
            "delivery", cause: ctx.requestID, time: ctx.now,
            details: [
                ("protocol", .string(sub.protocol)), ("endpoint", .string(sub.endpoint)), ("topic", .string(topic.arn.description)),
                ("messageId", .string(messageID)), ("skipped", .string(why)),
            ])
    }

    /// Percent-encodes what a query value cannot carry; `:` and `@` stay readable as in AWS's links.
    static func queryValue(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:@/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
