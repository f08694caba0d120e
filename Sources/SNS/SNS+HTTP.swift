import CloudCafeCore
import Foundation
import Logging
import PlainHTTP
import SNSAPI

/// One POST to an HTTP(S) subscriber, as a value the Agenda can hold for a retry.
struct HTTPDelivery: Codable, Sendable {
    let url: String
    let body: String
    let headers: [String: String]
    let attempt: Int
}

// HTTP and HTTPS subscriptions: signed JSON documents POSTed to the endpoint, the
// SubscriptionConfirmation flow, and retries on the virtual clock.
extension SNS {
    /// The Agenda kind of a retried POST.
    static let httpRetryKind = "sns.http"
    /// SNS's default healthy retry policy for HTTP: three retries, 20 seconds apart.
    static let httpRetries = 3
    static let httpRetryDelay: TimeInterval = 20

    /// The signer, made on first use (generating its key takes a moment).
    func messageSigner() throws -> MessageSigner {
        if let signer { return signer }
        let made = try MessageSigner()
        signer = made
        return made
    }

    /// The certificate endpoints verify signatures with, served at `SigningCertURL`.
    public func signingCertificate() -> String? { try? messageSigner().certificatePEM }

    var signingCertURL: String { "\(publicEndpoint)/SimpleNotificationService-cloudcafe.pem" }

    /// A signed document: the fields in order, plus the signature fields.
    func signed(_ fields: [(String, String?)], signed names: [String], version: String) -> JSONValue {
        let toSign = MessageSigner.stringToSign(names.map { name in (name, fields.first { $0.0 == name }?.1 ?? nil) })
        let signature = (try? messageSigner().sign(toSign, version: version)) ?? ""
        var members = fields.compactMap { name, value in value.map { (name, JSONValue.string($0)) } }
        members += [("SignatureVersion", .string(version)), ("Signature", .string(signature)), ("SigningCertURL", .string(signingCertURL))]
        return .object(members)
    }

    /// Asks an HTTP endpoint to confirm, with a `SubscribeURL` the daemon answers.
    func sendHTTPConfirmation(topic t: Topic, endpoint: String, token: String, at now: Date) {
        let messageID = dispatcher.ids.uuid()
        let subscribeURL =
            "\(publicEndpoint)/?Action=ConfirmSubscription&Version=2010-03-31&TopicArn=\(Self.queryValue(t.arn.description))&Token=\(token)"
        let fields: [(String, String?)] = [
            ("Type", "SubscriptionConfirmation"), ("MessageId", messageID), ("Token", token), ("TopicArn", t.arn.description),
            (
                "Message",
                "You have chosen to subscribe to the topic \(t.arn).\nTo confirm the subscription, visit the SubscribeURL included in this message."
            ),
            ("SubscribeURL", subscribeURL), ("Timestamp", TimeText.iso8601(now)),
        ]
        let document = signed(fields, signed: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"], version: "1")
        post(
            HTTPDelivery(
                url: endpoint, body: document.compact,
                headers: ["x-amz-sns-message-type": "SubscriptionConfirmation", "x-amz-sns-message-id": messageID, "x-amz-sns-topic-arn": t.arn.description],
                attempt: 0))
    }

    /// Sends a notification to an HTTP subscriber: the signed JSON document, or with raw
    /// delivery the message alone.
    func deliverToHTTP(_ t: Topic, _ sub: Subscription, _ input: PublishInput, messageID: String, _ ctx: CallContext) {
        var headers = [
            "x-amz-sns-message-type": "Notification", "x-amz-sns-message-id": messageID, "x-amz-sns-topic-arn": t.arn.description,
            "x-amz-sns-subscription-arn": sub.arn.description,
        ]
        let body: String
        if sub.rawMessageDelivery {
            headers["x-amz-sns-rawdelivery"] = "true"
            body = input.message
        } else {
            let fields: [(String, String?)] = [
                ("Type", "Notification"), ("MessageId", messageID), ("TopicArn", t.arn.description), ("Subject", input.subject),
                ("Message", input.message), ("Timestamp", TimeText.iso8601(ctx.now)),
            ]
            var document = signed(fields, signed: ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"], version: t.signatureVersion)
            if case .object(var members) = document {
                members.append(("UnsubscribeURL", .string("\(publicEndpoint)/unsubscribe.html?SubscriptionArn=\(Self.queryValue(sub.arn.description))")))
                if let attributes = input.messageAttributes, !attributes.isEmpty { members.append(("MessageAttributes", Self.notificationAttributes(attributes))) }
                document = .object(members)
            }
            body = document.compact
        }
        post(HTTPDelivery(url: sub.endpoint, body: body, headers: headers, attempt: 0))
    }

    /// POSTs in the background; a failed POST is retried on the virtual clock per SNS's
    /// default delivery policy, then dropped (logged).
    func post(_ delivery: HTTPDelivery) {
        let agenda = dispatcher.agenda
        let clock = dispatcher.clock
        let ids = dispatcher.ids
        dispatcher.work.spawn {
            guard await !Self.send(delivery) else { return }
            guard delivery.attempt < Self.httpRetries else {
                Logger(label: "cloudcafe.sns").warning("http delivery dropped after retries", metadata: ["endpoint": "\(delivery.url)"])
                return
            }
            let retry = HTTPDelivery(url: delivery.url, body: delivery.body, headers: delivery.headers, attempt: delivery.attempt + 1)
            agenda.schedule(
                AgendaItem(
                    id: "\(Self.httpRetryKind)|\(ids.uuid())", kind: Self.httpRetryKind, due: clock.now.addingTimeInterval(Self.httpRetryDelay),
                    payload: retry))
        }
    }

    /// One POST; true when the endpoint answered 2xx.
    static func send(_ delivery: HTTPDelivery) async -> Bool {
        guard let url = URL(string: delivery.url) else { return false }
        let headers = [("Content-Type", "text/plain; charset=UTF-8"), ("User-Agent", "Amazon Simple Notification Service Agent")] + delivery.headers.map { ($0.key, $0.value) }
        do {
            let response = try await PlainHTTP.send("POST", url, headers: headers, body: Data(delivery.body.utf8), timeout: .seconds(15))
            return (200..<300).contains(response.status)
        } catch {
            Logger(label: "cloudcafe.sns").notice("http delivery failed", metadata: ["endpoint": "\(delivery.url)", "error": "\(error)"])
            return false
        }
    }
}
