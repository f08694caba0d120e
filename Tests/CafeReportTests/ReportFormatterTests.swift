import CafeReport
import Foundation
import Testing

/// A report data set and the message Python's str.center builds for it
/// (fixtures/golden/report, written by scripts/golden_report.py).
struct ReportCase: Decodable, CustomTestStringConvertible, Sendable {
    let name: String
    let date: String
    let rows: [SalesRow]
    var testDescription: String { name }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fixtures/golden/report").standardized

    static func all() -> [ReportCase] {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("cases.json")) else { return [] }
        return (try? JSONDecoder().decode([ReportCase].self, from: data)) ?? []
    }

    var expected: String {
        get throws { try String(contentsOf: Self.folder.appendingPathComponent("\(name).txt"), encoding: .utf8) }
    }
}

struct ReportFormatterTests {
    @Test func casesAreLoaded() {
        #expect(ReportCase.all().count == 5)
    }

    @Test(arguments: ReportCase.all())
    func messageMatchesPythonByteForByte(_ report: ReportCase) throws {
        // Given the rows of a day
        // When the report is formatted
        let message = ReportFormatter.message(date: report.date, rows: report.rows)
        // Then it is exactly what the lab's Python code builds
        #expect(Array(message.utf8) == Array(try report.expected.utf8))
    }

    @Test(arguments: [
        ("10", 5, "  10 "), ("1", 5, "  1  "), ("100", 5, " 100 "), ("abc", 80, String(repeating: " ", count: 38) + "abc" + String(repeating: " ", count: 39)),
        ("ab", 5, "  ab "), ("toolongtext", 5, "toolongtext"), ("exact", 5, "exact"), ("", 3, "   "),
    ])
    func centerFollowsPython(_ text: String, _ width: Int, _ expected: String) {
        #expect(ReportFormatter.center(text, width) == expected)
    }

    @Test func noOrdersHasNoTrailingNewline() {
        let message = ReportFormatter.message(date: "2026-11-29", rows: [])
        #expect(message.hasSuffix(String(repeating: " ", count: 26) + "There were no orders today." + String(repeating: " ", count: 27)))
        #expect(!message.hasSuffix("\n"))
    }
}
