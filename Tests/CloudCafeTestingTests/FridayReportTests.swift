import CloudCafeCore
import CloudCafeTesting
import SSMAPI
import Testing

/// The café's Friday report as a Swift suite tests it (docs/testing.md shows this file).
@Suite struct FridayReportTests {
    @Test func theFridayRunEmailsTheDaysSales() async throws {
        let cafe = try await TestCafe()
        defer { Task { await cafe.stop() } }
        try cafe.placeOrder(at: "2026-11-27T14:05:00", "Croissant=1", "Hot Chocolate=2")

        let fired = try await cafe.advance("2m")

        #expect(fired.map(\.rule) == ["salesAnalysisReportDailyTrigger"])
        let report = try #require(cafe.outbox().last)
        #expect(report.subject == "Daily Sales Analysis Report")
        #expect(report.body.contains("Date: 2026-11-27") && report.body.contains("Croissant"))
        #expect(try await cafe.logs("salesAnalysisReport").contains { $0.hasPrefix("REPORT RequestId: ") })
    }

    @Test func snapshotsPutEverythingBack() async throws {
        let cafe = try await TestCafe()
        defer { Task { await cafe.stop() } }
        try await cafe.snapshot("deployed")
        try await cafe.advance("2m")
        _ = try await cafe.client.send(SSMOperations.putParameter, PutParameterRequest(name: "/cafe/dbName", value: "other", type: "String", overwrite: true))
        try await cafe.restore("deployed")
        #expect(cafe.now == TestCafe.friday)
        #expect(cafe.outbox().map(\.subject) == ["AWS Notification - Subscription Confirmation"])
        let name = try await cafe.client.send(SSMOperations.getParameter, GetParameterRequest(name: "/cafe/dbName")).parameter?.value
        #expect(name == "cafe_db")
        let answer = try await cafe.invoke("salesAnalysisReport")
        #expect(answer["statusCode"]?.intValue == 200)
    }
}
