// make bench (part 3): the engines in process, in release mode. Figures are printed, never asserted.
import CloudCafeCore
import Engine
import EventBridge
import EventBridgeAPI
import Foundation
import IAM

func measure(_ label: String, iterations: Int, _ body: () -> Void) {
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
try? FileManager.default.removeItem(at: folder)
if sink < 0 || allowed < 0 { print(sink, allowed) }
