import CafeReport
import CloudCafeCore
import SSMAPI
import Engine
import EventBridge
import Foundation
import LambdaAPI
import Lambda
import SNS
import SSM
import Testing

/// The café pipeline inside one engine, through the in-process client: the scheduled rule
/// fires, the report function invokes the extractor, the email lands in the outbox.
struct CafeReportEndToEndTests {
    func placeFridayOrders(_ engine: CloudCafeEngine) throws {
        let t = { LocalDateTime($0)! }
        try engine.cafeDatabase.place([
            .init(time: t("2026-11-27T14:05:00"), lines: [.init(productID: 1, quantity: 1), .init(productID: 8, quantity: 2)]),
            .init(
                time: t("2026-11-27T10:00:00"), lines: [.init(productID: 5, quantity: 12), .init(productID: 9, quantity: 3), .init(productID: 7, quantity: 1)]),
            // The day before and the day after do not count.
            .init(time: t("2026-11-26T23:59:59"), lines: [.init(productID: 2, quantity: 5)]),
            .init(time: t("2026-11-28T00:00:00"), lines: [.init(productID: 3, quantity: 5)]),
        ])
    }

    @Test func fridayRunEmailsTheExactReport() async throws {
        // Given the café stack on Friday at 19:59 with Friday's orders
        let engine = try await makeEngine()
        try placeFridayOrders(engine)
        #expect(engine.reports.isEmpty)

        // When the clock moves two minutes
        let fired = await engine.agenda.advance(by: 120)

        // Then the rule fired once at 20:00 and exactly one report was emailed
        #expect(fired == [Firing(rule: "salesAnalysisReportDailyTrigger", time: TimeText.instant("2026-11-27T20:00:00Z")!)])
        let reports = engine.reports
        try #require(reports.count == 1)
        #expect(reports[0].to == "admin@example.com")
        #expect(reports[0].time == TimeText.instant("2026-11-27T20:00:00Z"))

        // Its body is the message Python builds (golden) followed by SNS's footer
        let golden = try String(contentsOf: fixtures.appendingPathComponent("golden/report/lab-menu.txt"), encoding: .utf8)
        let body = try #require(engine.body(of: reports[0].file))
        #expect(
            body.hasPrefix(
                golden
                    + "\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\nhttp://127.0.0.1:4566/unsubscribe.html?SubscriptionArn=arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic:"
            ))
        #expect(
            body.hasSuffix(
                "&Endpoint=admin@example.com\n\nPlease do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.amazon.com/support"
            ))
        #expect(engine.outbox.read(reports[0].file)?.contains("From: SARTopic <no-reply@sns.amazonaws.com>") == true)

        // And both functions logged START, END and REPORT under the scheduled instant
        for function in ["salesAnalysisReport", "salesAnalysisReportDataExtractor"] {
            let lines = try await engine.logLines("/aws/lambda/\(function)")
            #expect(lines.count == 3)
            #expect(lines[0].hasPrefix("START RequestId: ") && lines[0].hasSuffix(" Version: $LATEST"))
            #expect(lines[1].hasPrefix("END RequestId: "))
            #expect(lines[2].hasPrefix("REPORT RequestId: ") && lines[2].contains("\tMemory Size: 128 MB\t") && lines[2].contains("\tInit Duration: "))
        }
    }

    @Test func weekOfSchedulesSkipsSunday() async throws {
        // Given Friday 19:59
        let engine = try await makeEngine()
        _ = await engine.agenda.advance(by: 120)
        #expect(engine.reports.count == 1)
        // When the clock moves to Sunday 20:01, only Saturday's report is added
        let toSunday = await engine.agenda.move(to: TimeText.instant("2026-11-29T20:01:00Z")!)
        #expect(toSunday.map(\.time) == [TimeText.instant("2026-11-28T20:00:00Z")!])
        #expect(engine.reports.count == 2)
        // And Monday 20:01 adds Monday's
        _ = await engine.agenda.move(to: TimeText.instant("2026-11-30T20:01:00Z")!)
        #expect(engine.reports.map(\.time) == ["2026-11-27T20:00:00Z", "2026-11-28T20:00:00Z", "2026-11-30T20:00:00Z"].map { TimeText.instant($0)! })
        // With no Saturday orders, Saturday's email says so
        let saturday = try #require(engine.body(of: engine.reports[1].file))
        #expect(saturday.hasPrefix(ReportFormatter.message(date: "2026-11-28", rows: []) + "\n\n--\n"))
    }

    @Test func movingBackFiresNothingAndNothingTwice() async throws {
        let engine = try await makeEngine()
        _ = await engine.agenda.advance(by: 120)
        let back = await engine.agenda.move(to: TimeText.instant("2026-11-27T10:00:00Z")!)
        #expect(back.isEmpty)
        let forward = await engine.agenda.move(to: TimeText.instant("2026-11-27T22:00:00Z")!)
        #expect(forward.isEmpty)
        #expect(engine.reports.count == 1)
    }

    @Test func directInvokeReturnsTheLabsAnswers() async throws {
        let engine = try await makeEngine()
        try placeFridayOrders(engine)
        // The report function's answer, as Python's json.dumps writes it
        let report = try await engine.invoke("salesAnalysisReport")
        #expect(report.functionError == nil)
        #expect(report.text == #"{"statusCode": 200, "body": "\"Sale Analysis Report sent.\""}"#)
        #expect(engine.reports.count == 1)
        // The extractor's rows for the day it is asked about
        let rows = try await engine.invoke(
            "salesAnalysisReportDataExtractor", #"{"dbUrl":"localhost","dbName":"cafe_db","dbUser":"root","dbPassword":"Re:Start!9","reportDate":"2026-11-27"}"#
        )
        #expect(rows.json?["statusCode"] == .int(200))
        guard case .array(let items)? = rows.json?["body"] else { Issue.record("no body"); return }
        #expect(items.count == 5)
        #expect(items.first?.compact == #"{"product_group_number":1,"product_group_name":"Pastries","product_id":1,"product_name":"Croissant","quantity":1}"#)
    }

    @Test func wrongPasswordFailsAsTheLabDoes() async throws {
        // Given a wrong database password in Parameter Store
        let engine = try await makeEngine()
        _ = try await engine.client().send(SSMOperations.putParameter, PutParameterRequest(name: "/cafe/dbPassword", value: "wrong", type: "String", overwrite: true))
        // When the report runs
        let out = try await engine.invoke("salesAnalysisReport")
        // Then it fails for want of a body, and no email is sent
        #expect(out.functionError == "Unhandled")
        #expect(out.json?["errorType"] == .string("Exception"))
        #expect(out.json?["errorMessage"] == .string("No body in returned data. Check the error in the cloudwatch logs."))
        #expect(engine.reports.isEmpty)
        // The extractor logged the two lines and exited
        let extractor = try await engine.logLines("/aws/lambda/salesAnalysisReportDataExtractor")
        #expect(extractor[1] == "ERROR: Failed to connect to the Cafe database.")
        #expect(extractor[2] == "Error Details: 1045 Access denied for user 'root'@'localhost' (using password: YES)")
        #expect(extractor[3].hasSuffix(" Error: Runtime exited without providing a reason\nRuntime.ExitError"))
        // The report function printed the extractor's answer
        let report = try await engine.logLines("/aws/lambda/salesAnalysisReport")
        #expect(
            report.contains {
                $0.hasPrefix("{'errorType': 'Runtime.ExitError', 'errorMessage': 'RequestId: ")
                    && $0.hasSuffix(" Error: Runtime exited without providing a reason'}")
            })
        #expect(report.contains("[ERROR] Exception: No body in returned data. Check the error in the cloudwatch logs."))
    }

    @Test(arguments: [
        (#"{"dbUrl":"localhost","dbName":"cafe","dbUser":"root","dbPassword":"Re:Start!9"}"#, "Error Details: 1049 Unknown database 'cafe'"),
        (
            #"{"dbUrl":"localhost","dbName":"cafe_db","dbUser":"admin","dbPassword":"Re:Start!9"}"#,
            "Error Details: 1045 Access denied for user 'admin'@'localhost' (using password: YES)"
        ),
        (
            #"{"dbUrl":"db.invalid","dbName":"cafe_db","dbUser":"root","dbPassword":"Re:Start!9"}"#,
            "Error Details: 2003 Can't connect to MySQL server on 'db.invalid' ([Errno -2] Name or service not known)"
        ),
    ])
    func extractorConnectFailureIsRuntimeExitError(_ payload: String, _ detail: String) async throws {
        let engine = try await makeEngine()
        let out = try await engine.invoke("salesAnalysisReportDataExtractor", payload)
        #expect(out.functionError == "Unhandled")
        let json = try #require(out.json)
        #expect(json["errorType"] == .string("Runtime.ExitError"))
        let message = try #require(json["errorMessage"]?.stringValue)
        #expect(message.hasPrefix("RequestId: ") && message.hasSuffix(" Error: Runtime exited without providing a reason"))
        #expect(out.text == #"{"errorType":"Runtime.ExitError","errorMessage":"\#(message)"}"#)
        let lines = try await engine.logLines("/aws/lambda/salesAnalysisReportDataExtractor")
        #expect(Array(lines[1...2]) == ["ERROR: Failed to connect to the Cafe database.", detail])
    }

    @Test func extractorWithoutItsLayerCannotImport() async throws {
        let engine = try await makeEngine()
        _ = try await engine.client().send(
            LambdaOperations.updateFunctionConfiguration, UpdateFunctionConfigurationRequest(functionName: "salesAnalysisReportDataExtractor", layers: []))
        let out = try await engine.invoke(
            "salesAnalysisReportDataExtractor", #"{"dbUrl":"localhost","dbName":"cafe_db","dbUser":"root","dbPassword":"Re:Start!9"}"#)
        #expect(out.json?["errorType"] == .string("Runtime.ImportModuleError"))
        #expect(out.json?["errorMessage"] == .string("Unable to import module 'salesAnalysisReportDataExtractor': No module named 'pymysql'"))
    }

    @Test func reportWithoutTopicVariableFails() async throws {
        let engine = try await makeEngine()
        _ = try await engine.client().send(
            LambdaOperations.updateFunctionConfiguration, UpdateFunctionConfigurationRequest(functionName: "salesAnalysisReport", environment: Environment(variables: [:])))
        let out = try await engine.invoke("salesAnalysisReport")
        #expect(out.json?["errorType"] == .string("KeyError"))
        #expect(out.json?["errorMessage"] == .string("'topicARN'"))
        #expect(engine.reports.isEmpty)
    }
}
