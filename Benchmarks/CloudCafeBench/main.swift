// make bench (part 3): the engines in process, in release mode. Figures are printed, never asserted.
import CloudCafeCore
import Engine
import EventBridge
import EventBridgeAPI
import CloudWatchLogsAPI
import Foundation
import Gateway
import IAM
import IAMAPI
import LambdaAPI
import SNSAPI
import SQSAPI

/// `BENCH_ONLY=rules` runs the 300-rule day alone (for a profiler).
let rulesOnly = ProcessInfo.processInfo.environment["BENCH_ONLY"] == "rules"

func measure(_ label: String, iterations: Int, _ body: () -> Void) {
    guard !rulesOnly else { return }
    let start = ContinuousClock.now
    body()
    let (s, atto) = (ContinuousClock.now - start).components
    let seconds = Double(s) + Double(atto) / 1e18
    print(String(format: "%-58@ %12.0f /s  (%d in %.3f s)", label as NSString, Double(iterations) / seconds, iterations, seconds))
}

// MARK: - Schedule expressions

let expressions = [
    "cron(0 20 ? * MON-SAT *)", "cron(0/15 * * * ? *)", "cron(0 12 L * ? *)", "cron(0 9 ? * 6L *)", "cron(30 8 15W * ? *)",
    "cron(0 9 ? * 2#1 *)", "cron(0 0 LW * ? *)", "cron(15 10 ? * 6#3 2026-2030)", "cron(0 0 29 2 ? *)", "rate(5 minutes)",
]
var parsed: [ScheduleExpression] = []
measure("schedule expressions parsed", iterations: 100_000) {
    for i in 0..<100_000 { if let e = ScheduleExpression(expressions[i % expressions.count]) { parsed.append(e) } }
}
let schedules = expressions.compactMap(ScheduleExpression.init)
let origin = Date(timeIntervalSince1970: 1_795_809_540)
var sink = 0.0
measure("next-fire computations (mix with L, W, #)", iterations: 200_000) {
    var t = origin
    for i in 0..<200_000 {
        if let n = schedules[i % schedules.count].next(after: t, anchor: origin) { sink += n.timeIntervalSince1970 }
        t = t.addingTimeInterval(3_607)
    }
}

// MARK: - IAM evaluation

func doc(_ json: String) -> PolicyDocument { (try? PolicyDocument(parsing: json, kind: .identity)) ?? { fatalError("bad benchmark policy") }() }
let lab = [
    NamedPolicy(name: "sns", document: doc(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sns:*"],"Resource":"*"}]}"#)),
    NamedPolicy(
        name: "ssm",
        document: doc(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:Describe*","ssm:Get*","ssm:List*"],"Resource":"*"}]}"#)),
    NamedPolicy(
        name: "lambda", document: doc(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["*"]}]}"#)),
    NamedPolicy(
        name: "logs",
        document: doc(
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#
        )),
]
let session = Principal.assumedRole(role: ARN("arn:aws:iam::000000000000:role/salesAnalysisReportRole")!, session: "salesAnalysisReport")
let publish = EvaluationRequest(principal: session, action: "sns:Publish", resource: "arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic")
var allowed = 0
measure("IAM evaluations, the lab's report role (sns:Publish)", iterations: 200_000) {
    for _ in 0..<200_000 { if PolicyEvaluator.evaluate(identity: lab, resource: nil, request: publish).allowed { allowed += 1 } }
}
let twenty = (0..<20).map { i in
    #"{"Sid":"s\#(i)","Effect":"\#(i % 7 == 6 ? "Deny" : "Allow")","Action":["ssm:Get*","sns:Publish","logs:Put*"],"Resource":"arn:aws:*:us-east-1:000000000000:*\#(i)*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"},"IpAddress":{"aws:SourceIp":"127.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}"#
}.joined(separator: ",")
let big = [NamedPolicy(name: "twenty", document: doc(#"{"Version":"2012-10-17","Statement":[\#(twenty)]}"#))]
let conditioned = EvaluationRequest(
    principal: session, action: "ssm:GetParameter", resource: "arn:aws:ssm:us-east-1:000000000000:parameter/cafe/db13",
    keys: ["aws:RequestedRegion": "us-east-1", "aws:SourceIp": "127.0.0.1", "aws:CurrentTime": "2026-11-27T20:00:00Z"])
measure("IAM evaluations, a 20-statement policy with conditions", iterations: 50_000) {
    for _ in 0..<50_000 { if PolicyEvaluator.evaluate(identity: big, resource: nil, request: conditioned).allowed { allowed += 1 } }
}

// MARK: - 300 rate(1 minute) rules over one simulated day

let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cloudcafe-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
var config = EngineConfiguration()
config.outboxDirectory = folder.appendingPathComponent("outbox")
config.cafeDatabasePath = folder.appendingPathComponent("cafe.sqlite").path
config.startTime = origin
config.clockRate = 0
config.stack = nil
config.handlers = ["bench.handler": BenchConsumer()]
let engine = try CloudCafeEngine(config)
let root = engine.client()
for i in 0..<300 {
    _ = try await root.send(EventBridgeOperations.putRule, PutRuleRequest(name: "tick\(i)", scheduleExpression: "rate(1 minute)"))
}
let start = ContinuousClock.now
let fired = await engine.agenda.advance(by: 86_400)
let (s, atto) = (ContinuousClock.now - start).components
let seconds = Double(s) + Double(atto) / 1e18
print(
    String(
        format: "300 rules of rate(1 minute), one simulated day: %d firings (no targets) in %.2f s = %.0f firings/s", fired.count, seconds,
        Double(fired.count) / seconds))
if rulesOnly { exit(0) }

// MARK: - Routing

let patterns = (0..<20).map { i in
    [
        #"{"source":["cafe.orders"],"detail-type":["Order \#(i)"]}"#,
        #"{"detail":{"total":[{"numeric":[">",\#(i),"<=",\#(i + 50)]}],"drink":[{"prefix":"lat"}]}}"#,
        #"{"detail":{"drink":[{"anything-but":{"wildcard":"*\#(i)*"}}],"ip":[{"cidr":"10.\#(i).0.0/16"}]}}"#,
        #"{"$or":[{"detail":{"size":["L","XL"]}},{"detail":{"items":{"name":[{"equals-ignore-case":"SCONE\#(i)"}]}}}]}"#,
    ][i % 4]
}.compactMap { try? EventPattern($0) }
let padding = String(repeating: "x", count: 760)
let events = (0..<100).map { i in
    (try? JSONValue(
        parsing:
            #"{"version":"0","id":"\#(i)","detail-type":"Order \#(i % 20)","source":"cafe.orders","account":"000000000000","time":"2026-11-27T20:00:00Z","region":"us-east-1","resources":[],"detail":{"total":\#(i % 70),"drink":"latte","size":"L","ip":"10.\#(i % 20).1.2","items":[{"name":"scone\#(i % 20)"},{"name":"latte"}],"note":"\#(padding)"}}"#
    )) ?? .null
}
var matched = 0
measure("event pattern matches, 20-rule bus, 1 KB events", iterations: 200_000) {
    for i in 0..<10_000 { for p in patterns where p.matches(events[i % events.count]) { matched += 1 } }
}
let policy = try EventPattern(#"{"drink":["latte",{"prefix":"flat"}],"size":[{"anything-but":"S"}],"price":[{"numeric":[">=",3]}]}"#)
let attributeSets = (0..<50).map { i in
    JSONValue.object([("drink", .string(i % 3 == 0 ? "latte" : "flat white")), ("size", .string(i % 4 == 0 ? "S" : "M")), ("price", .int(i % 6))])
}
measure("filter-policy evaluations (message attributes)", iterations: 1_000_000) {
    for i in 0..<1_000_000 where policy.matches(attributeSets[i % attributeSets.count]) { matched += 1 }
}

_ = try await root.send(CloudWatchLogsOperations.createLogGroup, CreateLogGroupRequest(logGroupName: "/bench"))
_ = try await root.send(CloudWatchLogsOperations.createLogStream, CreateLogStreamRequest(logGroupName: "/bench", logStreamName: "s"))
let base = Int(engine.clock.now.timeIntervalSince1970 * 1000)
for batch in 0..<10 {
    let lines = (0..<10_000).map { i in
        InputLogEvent(timestamp: base + batch * 10_000 + i, message: #"{"level":"\#(i % 10 == 0 ? "error" : "info")","ms":\#(i % 1000),"path":"/orders/\#(i)"}"#)
    }
    _ = try await root.send(CloudWatchLogsOperations.putLogEvents, PutLogEventsRequest(logGroupName: "/bench", logStreamName: "s", logEvents: lines))
}
let scanStart = ContinuousClock.now
let hits = try await root.send(
    CloudWatchLogsOperations.filterLogEvents, FilterLogEventsRequest(logGroupName: "/bench", filterPattern: #"{ $.level = "error" && $.ms > 500 }"#))
let scan = MachineClock.seconds(ContinuousClock.now - scanStart)
print(String(format: "FilterLogEvents over 100,000 events, JSON pattern: %d matches in %.3f s", hits.events?.count ?? 0, scan))

let topicArn = try await root.send(SNSOperations.createTopic, CreateTopicInput(name: "bench")).topicArn ?? ""
for q in ["bench-a", "bench-b"] {
    let url = try await root.send(SQSOperations.createQueue, CreateQueueRequest(queueName: q)).queueUrl ?? ""
    let arn = "arn:aws:sqs:us-east-1:000000000000:\(q)"
    let allowSNS = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"\#(arn)"}]}"#
    _ = try await root.send(SQSOperations.setQueueAttributes, SetQueueAttributesRequest(queueUrl: url, attributes: ["Policy": allowSNS]))
    _ = try await root.send(
        SNSOperations.subscribe, SubscribeInput(topicArn: topicArn, protocol: "sqs", endpoint: arn, attributes: ["RawMessageDelivery": "true"]))
}
let fanStart = ContinuousClock.now
for i in 0..<5_000 { _ = try await root.send(SNSOperations.publish, PublishInput(topicArn: topicArn, message: "order \(i)")) }
await engine.dispatcher.work.waitUntilIdle()
let fan = MachineClock.seconds(ContinuousClock.now - fanStart)
print(String(format: "SNS to SQS fan-out, 2 queues: %.0f messages delivered/s (5,000 publishes in %.2f s)", 10_000 / fan, fan))

// MARK: - Lambda: an SQS event source mapping, and the asynchronous queue with retries

/// Succeeds, or fails when the event asks it to.
struct BenchConsumer: LambdaHandler {
    func handle(_ event: JSONValue, context: LambdaContext) async throws -> JSONValue {
        if event["fail"]?.stringValue == "yes" { throw HandlerFailure(message: "asked to fail") }
        return .object([])
    }
}

let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
let roleArn = try await root.send(IAMOperations.createRole, CreateRoleRequest(roleName: "bench", assumeRolePolicyDocument: trust)).role.arn
_ = try await root.send(
    IAMOperations.putRolePolicy,
    PutRolePolicyRequest(
        roleName: "bench", policyName: "all",
        policyDocument: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:*","logs:*"],"Resource":"*"}]}"#))
_ = try await root.send(
    LambdaOperations.createFunction,
    CreateFunctionRequest(functionName: "consumer", runtime: "python3.11", role: roleArn, handler: "bench.handler", code: FunctionCode(zipFile: Data())))
let workURL = try await root.send(SQSOperations.createQueue, CreateQueueRequest(queueName: "bench-work")).queueUrl ?? ""
for batch in 0..<1_000 {
    let entries = (0..<10).map { SendMessageBatchRequestEntry(id: "m\($0)", messageBody: "order \(batch * 10 + $0)") }
    _ = try await root.send(SQSOperations.sendMessageBatch, SendMessageBatchRequest(queueUrl: workURL, entries: entries))
}
let mappingStart = ContinuousClock.now
_ = try await root.send(
    LambdaOperations.createEventSourceMapping,
    CreateEventSourceMappingRequest(eventSourceArn: "arn:aws:sqs:us-east-1:000000000000:bench-work", functionName: "consumer", batchSize: 10))
var left = 10_000
var polledSeconds = 0
while left > 0, polledSeconds < 10_000 {
    _ = await engine.agenda.advance(by: 1)
    polledSeconds += 1
    let attributes = try await root.send(
        SQSOperations.getQueueAttributes, GetQueueAttributesRequest(queueUrl: workURL, attributeNames: ["ApproximateNumberOfMessages"])).attributes
    left = attributes?["ApproximateNumberOfMessages"].flatMap(Int.init) ?? 0
}
let mapped = MachineClock.seconds(ContinuousClock.now - mappingStart)
print(String(format: "SQS mapping into a built-in handler (batches of 10): %.0f messages/s (10,000 in %.2f s)", 10_000 / mapped, mapped))

let asyncStart = ContinuousClock.now
for i in 0..<5_000 {
    let payload = Data(#"{"fail":"\#(i % 2 == 0 ? "yes" : "no")","n":\#(i)}"#.utf8)
    _ = try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "consumer", invocationType: "Event", payload: payload))
}
await engine.dispatcher.work.waitUntilIdle()
_ = await engine.agenda.advance(by: 181)
let queued = MachineClock.seconds(ContinuousClock.now - asyncStart)
print(
    String(
        format: "asynchronous invocations with retries (5,000 events, half failing 3 times): %.0f invocations/s (10,000 in %.2f s)", 10_000 / queued, queued
    ))

// MARK: - The timeline's memory

func residentBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
        let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    else { return 0 }
    return pages * 4096
}
let timeline = Timeline(capacity: 100_000)
let rssBefore = residentBytes()
let recordStart = ContinuousClock.now
for i in 0..<100_000 {
    timeline.record(
        "call", id: "00000000-0000-0000-0000-\(String(format: "%012d", i))", cause: i % 10 == 0 ? nil : "00000000-0000-0000-0000-\(String(format: "%012d", i - 1))",
        time: origin,
        details: [
            ("service", .string("ssm")), ("operation", .string("GetParameter")),
            ("caller", .string("arn:aws:sts::000000000000:assumed-role/salesAnalysisReportRole/salesAnalysisReport")), ("decision", .string("allowed")),
            ("statement", .string("AmazonSSMReadOnlyAccess/-")),
        ])
}
let recorded = MachineClock.seconds(ContinuousClock.now - recordStart)
print(
    String(
        format: "timeline: 100,000 call entries recorded in %.3f s; %.1f MiB resident per 10,000 entries", recorded,
        Double(residentBytes() - rssBefore) / 1_048_576 / 10))

// MARK: - Parsing what clients send (linear in the input)

var bigBody = #"{"Entries":["#
while bigBody.utf8.count < 16 << 20 { bigBody += #"{"Source":"cafe.orders","DetailType":"Order","Detail":"{\"id\":12345,\"items\":[1,2,3]}","Time":1795809540},"# }
bigBody += #"{"Source":"end"}]}"#
let jsonStart = ContinuousClock.now
let bigTree = try JSONValue(parsing: Data(bigBody.utf8))
print(String(format: "parse a %.1f MiB JSON body: %.3f s", Double(bigBody.utf8.count) / 1_048_576, MachineClock.seconds(ContinuousClock.now - jsonStart)))
if case .object(let members) = bigTree, members.isEmpty { print("empty") }
let form = "Action=SimulateCustomPolicy&Version=2010-05-08&PolicyInputList.member.1=%7B%7D&"
    + (1...10_000).map { "ActionNames.member.\($0)=sns%3APublish\($0)" }.joined(separator: "&")
let formStart = ContinuousClock.now
GatewayFuzzing.queryForm(form, model: IAMOperations.service, operation: "SimulateCustomPolicy")
print(String(format: "decode and validate a 10,000-member query list: %.3f s", MachineClock.seconds(ContinuousClock.now - formStart)))

try? FileManager.default.removeItem(at: folder)
if sink < 0 || allowed < 0 || matched < 0 { print(sink, allowed, matched) }
