import CafeReport
import CloudCafeCore
import CloudWatchLogs
import Engine
import EventBridge
import Foundation
import SNS
import Testing

/// Identical inputs (stack, orders, seed, moves) give identical outputs: the same emails,
/// byte for byte and by name, and the same log lines, ids included; only the measured
/// figures of REPORT lines (durations, memory) differ.
struct DeterminismTests {
    func run() async throws -> (emails: [String: String], logs: [String]) {
        let engine = try await makeEngine()
        try engine.cafeDatabase.place(OrderGenerator(seed: 42).orders(from: LocalDay("2026-11-20")!, days: 14))
        _ = await engine.agenda.advance(by: 7 * 86_400)
        var emails: [String: String] = [:]
        for entry in engine.outbox.list() { emails[entry.file] = engine.outbox.read(entry.file) }
        var logs: [String] = []
        for group in ["/aws/lambda/salesAnalysisReport", "/aws/lambda/salesAnalysisReportDataExtractor"] {
            logs += try await engine.logEvents(group).map { e in
                let masked = e.message.replacingOccurrences(of: #"(Duration|Init Duration): [0-9.]+ ms"#, with: "$1: x ms", options: .regularExpression)
                    .replacingOccurrences(of: #"Max Memory Used: [0-9]+ MB"#, with: "Max Memory Used: x MB", options: .regularExpression)
                return "\(e.timestamp) \(masked)"
            }
        }
        return (emails, logs)
    }

    @Test func sameSeedSameOutputs() async throws {
        let first = try await run()
        let second = try await run()
        #expect(first.emails.count == 7)  // the confirmation and six reports
        #expect(first.emails == second.emails)
        #expect(first.logs.count == second.logs.count && first.logs.count > 30)
        #expect(first.logs == second.logs)
    }
}
