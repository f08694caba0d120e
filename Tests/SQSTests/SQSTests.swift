import CloudCafeCore
import Foundation
import SQS
import SQSAPI
import Testing

/// SQS in process, through the Dispatcher like any client, on a frozen clock.
struct SQSTests {
    let dispatcher = Dispatcher(clock: VirtualClock(start: TimeText.instant("2026-11-27T19:59:00Z"), rate: 0))
    let client: AWSClient

    init() throws {
        let sqs = SQS(dispatcher: dispatcher, publicEndpoint: "http://127.0.0.1:4599")
        try dispatcher.install(sqs.declarations)
        client = dispatcher.client(as: .root(account: "000000000000"), region: "us-east-1")
    }

    func queue(_ name: String = "orders", attributes: [String: String]? = nil) async throws -> String {
        try #require(try await client.send(SQSOperations.createQueue, CreateQueueRequest(queueName: name, attributes: attributes)).queueUrl)
    }

    @Test func queueURLsNameTheDaemonAndTheAccount() async throws {
        #expect(try await queue() == "http://127.0.0.1:4599/000000000000/orders")
        let listed = try await client.send(SQSOperations.listQueues, ListQueuesRequest())
        #expect(listed.queueUrls == ["http://127.0.0.1:4599/000000000000/orders"])
    }

    @Test func aReceivedMessageHidesForItsVisibilityTimeoutOnTheVirtualClock() async throws {
        let url = try await queue(attributes: ["VisibilityTimeout": "30"])
        let sent = try await client.send(SQSOperations.sendMessage, SendMessageRequest(queueUrl: url, messageBody: "espresso"))
        // MD5 of the body, as AWS answers it.
        #expect(sent.md5OfMessageBody == "a2cc65ac1f8ba2f1f8b194c79a9d675f")
        let first = try await client.send(SQSOperations.receiveMessage, ReceiveMessageRequest(queueUrl: url))
        #expect(first.messages?.map(\.body) == ["espresso"])
        #expect(try await client.send(SQSOperations.receiveMessage, ReceiveMessageRequest(queueUrl: url)).messages ?? [] == [])
        _ = await dispatcher.agenda.advance(by: 31)
        let again = try await client.send(SQSOperations.receiveMessage, ReceiveMessageRequest(queueUrl: url))
        #expect(again.messages?.map(\.body) == ["espresso"])
        let handle = try #require(again.messages?.first?.receiptHandle)
        _ = try await client.send(SQSOperations.deleteMessage, DeleteMessageRequest(queueUrl: url, receiptHandle: handle))
        _ = await dispatcher.agenda.advance(by: 31)
        #expect(try await client.send(SQSOperations.receiveMessage, ReceiveMessageRequest(queueUrl: url)).messages ?? [] == [])
    }

    @Test func aMissingQueueIsAWSsError() async throws {
        do {
            _ = try await client.send(SQSOperations.getQueueUrl, GetQueueUrlRequest(queueName: "missing"))
            Issue.record("found a queue that does not exist")
        } catch let e as AWSClientError {
            #expect(e.error.errorCode == "QueueDoesNotExist")
        }
    }

    @Test func sameNameDifferentAttributesIsRefused() async throws {
        _ = try await queue(attributes: ["DelaySeconds": "0"])
        do {
            _ = try await queue(attributes: ["DelaySeconds": "5"])
            Issue.record("created a second queue with the same name")
        } catch let e as AWSClientError {
            #expect(e.error.errorCode == "QueueNameExists")
        }
    }
}
