import CloudCafeCore
import EventBridge
import Foundation
import Testing

struct PatternCase: Sendable, CustomTestStringConvertible {
    let name: String
    let json: JSONValue
    var testDescription: String { name }

    static func load() -> [PatternCase] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fixtures/events/patterns.json").standardized
        guard let data = try? Data(contentsOf: url), case .array(let items)? = try? JSONValue(parsing: data) else { return [] }
        return items.map { PatternCase(name: $0["name"]?.stringValue ?? "?", json: $0) }
    }
}

struct EventPatternTests {
    @Test func casesAreLoaded() { #expect(PatternCase.load().count >= 40) }

    @Test(arguments: PatternCase.load())
    func matchesAsEventBridge(_ c: PatternCase) throws {
        let pattern = try EventPattern(try #require(c.json["pattern"]).compact)
        #expect(pattern.matches(try #require(c.json["event"])) == (c.json["match"] == .bool(true)))
    }

    @Test(arguments: [#"[]"#, #"{"source":"cafe"}"#, #"{"source":[]}"#, #"{"source":[{"bogus":1}]}"#, #"{}"#, "not json", #"{"a":[[1]]}"#])
    func rejectsInvalidPatterns(_ text: String) {
        #expect(throws: EventPattern.PatternError.self) { _ = try EventPattern(text) }
    }
}
