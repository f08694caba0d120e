import CloudCafeCore
import SSMAPI
import CloudWatchLogs
import Engine
import EventBridge
import Foundation
import IAM
import IAMAPI
import Lambda
import SNS
import SSM
import Testing

/// A failed asynchronous invocation is retried twice, one and then two minutes later on the
/// virtual clock, as Lambda retries; a clock move runs the retries due in its window.
struct AsyncRetryTests {
    @Test func failedScheduledRunIsRetriedTwice() async throws {
        // Given a report that fails (no SNS permission)
        let engine = try await makeEngine()
        _ = try await engine.client().send(
            IAMOperations.detachRolePolicy, DetachRolePolicyRequest(roleName: "salesAnalysisReportRole", policyArn: "arn:aws:iam::aws:policy/AmazonSNSFullAccess"))
        // When the rule fires at 20:00 and the clock moves to 20:02:30
        _ = await engine.agenda.move(to: TimeText.instant("2026-11-27T20:02:30Z")!)
        // Then the first attempt ran at 20:00 and the first retry at 20:01; the second is due at 20:03
        var starts = try await engine.logEvents("/aws/lambda/salesAnalysisReport").filter { $0.message.hasPrefix("START") }
        #expect(starts.map(\.timestamp) == [1_795_809_600_000, 1_795_809_660_000])
        // All attempts share the request id
        #expect(Set(starts.map { $0.message }).count == 1)
        _ = await engine.agenda.advance(by: 600)
        starts = try await engine.logEvents("/aws/lambda/salesAnalysisReport").filter { $0.message.hasPrefix("START") }
        #expect(starts.map(\.timestamp) == [1_795_809_600_000, 1_795_809_660_000, 1_795_809_780_000])
        #expect(engine.reports.isEmpty)
    }

    @Test func aRetryCanSucceed() async throws {
        let engine = try await makeEngine()
        _ = try await engine.client().send(SSMOperations.putParameter, PutParameterRequest(name: "/cafe/dbPassword", value: "wrong", type: "String", overwrite: true))
        _ = await engine.agenda.move(to: TimeText.instant("2026-11-27T20:00:30Z")!)
        #expect(engine.reports.isEmpty)
        // Mend the password before the retry at 20:01
        _ = try await engine.client().send(SSMOperations.putParameter, PutParameterRequest(name: "/cafe/dbPassword", value: "Re:Start!9", type: "String", overwrite: true))
        _ = await engine.agenda.advance(by: 600)
        #expect(engine.reports.map(\.time) == [TimeText.instant("2026-11-27T20:01:00Z")!])
    }
}
