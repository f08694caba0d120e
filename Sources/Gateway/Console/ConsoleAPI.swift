import CloudCafeCore
import CloudWatchLogsAPI
import Engine
import EventBridge
import EventBridgeAPI
import Foundation
import HTTPTypes
import Hummingbird
import IAMAPI
import LambdaAPI
import NIOCore
import SNS
import SNSAPI
import SQSAPI
import SSMAPI
import SchedulerAPI

// What the console reads beyond the admin API's other routes: resources and decoded emails.
extension AdminAPI {
    func registerConsole(on admin: RouterGroup<GatewayRequestContext>) {
        admin.get("console") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(string: ConsolePage.html)))
        }
        admin.get("resources") { _, _ in try await resources() }
    }

    /// A decoded email: `{"file", "headers": {name: value}, "body"}`.
    func decodedEmail(_ file: String) -> Response {
        guard let message = engine.outbox.message(file) else { return Self.error(.notFound, "no message \(file) in the outbox") }
        return Self.json(
            .object([
                ("file", .string(file)), ("headers", .object(message.headers.map { ($0.0, .string($0.1)) })), ("body", .string(message.body)),
            ]))
    }

    /// Every service's resources, as each service's own List operation answers (AWS's member
    /// names), with the next firing of each scheduled rule and schedule.
    func resources() async throws -> Response {
        let client = engine.client()
        let region = engine.configuration.region
        func tree(_ value: some Encodable) -> JSONValue {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            return (try? encoder.encode(value)).flatMap { try? JSONValue(parsing: $0) } ?? .null
        }
        let now = engine.clock.now
        var rules: [JSONValue] = []
        for rule in (try await client.send(EventBridgeOperations.listRules, ListRulesRequest())).rules ?? [] {
            var members: [(String, JSONValue)] = [("Name", .string(rule.name ?? "")), ("State", .string(rule.state ?? ""))]
            if let s = rule.scheduleExpression { members.append(("ScheduleExpression", .string(s))) }
            if let p = rule.eventPattern { members.append(("EventPattern", .string(p))) }
            if let next = await engine.events.upcoming(
                rule: rule.name ?? "", region: region, account: engine.configuration.account, after: now, count: 1)?.first
            {
                members.append(("NextFiring", .string(TimeText.iso8601(next))))
            }
            rules.append(.object(members))
        }
        var schedules: [JSONValue] = []
        for s in (try await client.send(SchedulerOperations.listSchedules, ListSchedulesInput())).schedules {
            var members: [(String, JSONValue)] = [
                ("Name", .string(s.name ?? "")), ("GroupName", .string(s.groupName ?? "")), ("State", .string(s.state ?? "")),
            ]
            if let next = await engine.schedules.upcoming(name: s.name ?? "", group: s.groupName ?? "default", region: region, after: now, count: 1)?.first {
                members.append(("NextFiring", .string(TimeText.iso8601(next))))
            }
            schedules.append(.object(members))
        }
        var queues: [JSONValue] = []
        for url in (try await client.send(SQSOperations.listQueues, ListQueuesRequest())).queueUrls ?? [] {
            let attributes = try? await client.send(
                SQSOperations.getQueueAttributes,
                GetQueueAttributesRequest(queueUrl: url, attributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]))
            queues.append(.object([("QueueUrl", .string(url)), ("Attributes", tree(attributes?.attributes ?? [:]))]))
        }
        let result = JSONValue.object([
            (
                "lambda",
                .object([
                    ("Functions", tree(try await client.send(LambdaOperations.listFunctions, ListFunctionsRequest()).functions ?? [])),
                    (
                        "EventSourceMappings",
                        tree(try await client.send(LambdaOperations.listEventSourceMappings, ListEventSourceMappingsRequest()).eventSourceMappings ?? [])
                    ),
                ])
            ),
            ("events", .object([("Rules", .array(rules))])),
            ("scheduler", .object([("Schedules", .array(schedules))])),
            (
                "sns",
                .object([
                    ("Topics", tree(try await client.send(SNSOperations.listTopics, ListTopicsInput()).topics ?? [])),
                    ("Subscriptions", tree(try await client.send(SNSOperations.listSubscriptions, ListSubscriptionsInput()).subscriptions ?? [])),
                ])
            ),
            ("sqs", .object([("Queues", .array(queues))])),
            (
                "ssm",
                .object([
                    (
                        "Parameters",
                        tree(try await client.send(SSMOperations.getParametersByPath, GetParametersByPathRequest(path: "/", recursive: true)).parameters ?? [])
                    )
                ])
            ),
            ("iam", .object([("Roles", tree(try await client.send(IAMOperations.listRoles, ListRolesRequest()).roles))])),
            (
                "logs",
                .object([("LogGroups", tree(try await client.send(CloudWatchLogsOperations.describeLogGroups, DescribeLogGroupsRequest()).logGroups ?? []))])
            ),
        ])
        return Self.json(result)
    }
}
