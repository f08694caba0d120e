import CloudCafeCore
import Engine
import EventBridge
import Foundation
import LambdaAPI
import IAM
import IAMAPI
import Lambda
import SNS
import Testing

/// The lab's lesson: take a permission away and the run fails the way AWS fails it.
struct IAMLessonTests {
    let snsPolicy = "arn:aws:iam::aws:policy/AmazonSNSFullAccess"

    @Test func withoutSNSAccessTheReportFailsAndNoEmailIsSent() async throws {
        // Given the café stack without AmazonSNSFullAccess on the report's role
        let engine = try await makeEngine()
        _ = try await engine.client().send(IAMOperations.detachRolePolicy, DetachRolePolicyRequest(roleName: "salesAnalysisReportRole", policyArn: snsPolicy))

        // When the schedule fires
        let fired = await engine.agenda.advance(by: 120)

        // Then the function ran, failed on Publish as AWS words it, and nothing was emailed
        #expect(fired.count == 1)
        #expect(engine.reports.isEmpty)
        let lines = try await engine.logLines("/aws/lambda/salesAnalysisReport")
        let denial =
            "[ERROR] AuthorizationErrorException: An error occurred (AuthorizationError) when calling the Publish operation: "
            + "User: arn:aws:sts::000000000000:assumed-role/salesAnalysisReportRole/salesAnalysisReport is not authorized to perform: sns:Publish "
            + "on resource: arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic because no identity-based policy allows the sns:Publish action"
        #expect(lines.contains(denial))

        // When the policy is attached again, Lambda's second retry (20:03) emails, and so does Saturday's run
        _ = try await engine.client().send(IAMOperations.attachRolePolicy, AttachRolePolicyRequest(roleName: "salesAnalysisReportRole", policyArn: snsPolicy))
        _ = await engine.agenda.advance(by: 86_400)
        #expect(engine.reports.map(\.time) == ["2026-11-27T20:03:00Z", "2026-11-28T20:00:00Z"].map { TimeText.instant($0)! })
    }

    @Test func withoutTheEventsPermissionTheRuleCannotInvoke() async throws {
        let engine = try await makeEngine()
        _ = try await engine.client().send(
            LambdaOperations.removePermission, RemovePermissionRequest(functionName: "salesAnalysisReport", statementId: "salesAnalysisReportDailyTrigger-invoke"))
        let fired = await engine.agenda.advance(by: 120)
        #expect(fired.count == 1)
        #expect(engine.reports.isEmpty)
        // The function never ran: its log group was never created.
        await #expect(throws: AWSClientError.self) { _ = try await engine.logLines("/aws/lambda/salesAnalysisReport") }
        let denied = engine.authorizer.decisions.last { $0.action == "lambda:InvokeFunction" }
        #expect(denied?.principal == "events.amazonaws.com")
        #expect(denied?.evaluation.decision == .implicitDeny)
    }

    @Test func withoutSSMAccessTheReportCannotReadItsParameters() async throws {
        let engine = try await makeEngine()
        _ = try await engine.client().send(
            IAMOperations.detachRolePolicy, DetachRolePolicyRequest(roleName: "salesAnalysisReportRole", policyArn: "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"))
        let out = try await engine.invoke("salesAnalysisReport")
        #expect(out.json?["errorType"] == .string("AccessDeniedException"))
        #expect(
            out.json?["errorMessage"]?.stringValue?.contains(
                "is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:us-east-1:000000000000:parameter/cafe/dbUrl because no identity-based policy allows the ssm:GetParameter action"
            ) == true)
    }

    @Test func withoutLoggingPermissionTheLogsAreLost() async throws {
        let engine = try await makeEngine()
        _ = try await engine.client().send(IAMOperations.deleteRolePolicy, DeleteRolePolicyRequest(roleName: "salesAnalysisReportDERole", policyName: "AWSLambdaBasicRunRole"))
        // AWSLambdaVPCAccessExecutionRole still grants the logs actions, as AWS's managed policy does.
        _ = try await engine.client().send(
            IAMOperations.detachRolePolicy,
            DetachRolePolicyRequest(roleName: "salesAnalysisReportDERole", policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"))
        _ = await engine.agenda.advance(by: 120)
        #expect(engine.reports.count == 1)
        await #expect(throws: AWSClientError.self) { _ = try await engine.logLines("/aws/lambda/salesAnalysisReportDataExtractor") }
    }
}
