import CloudCafeCore
import Foundation
import Synchronization
import Testing

struct TimelineTests {
    let t0 = Date(timeIntervalSince1970: 1_795_809_600)

    @Test func effectsInheritTheirChainsRuleFunctionAndRoot() {
        let timeline = Timeline()
        timeline.record("firing", id: "f", cause: nil, time: t0, details: [("rule", .string("daily"))])
        timeline.record("invocation", id: "i", cause: "f", time: t0, details: [("function", .string("report"))])
        timeline.record("call", id: "c", cause: "i", time: t0, details: [("operation", .string("Publish"))])
        timeline.record("call", id: "root", cause: nil, time: t0.addingTimeInterval(60), details: [])
        let c = timeline.entry("c")
        #expect(c?.rule == "daily" && c?.function == "report" && c?.root == "f")
        #expect(timeline.entries(rule: "daily").entries.map(\.id) == ["f", "i", "c"])
        #expect(timeline.entries(function: "report").entries.map(\.id) == ["i", "c"])
        #expect(timeline.entries(since: t0.addingTimeInterval(1)).entries.map(\.id) == ["root"])
        #expect(timeline.entries(until: t0).entries.count == 3)
    }

    @Test func pagesFollowTheRecordingOrder() {
        let timeline = Timeline()
        for i in 0..<25 { timeline.record("call", id: "e\(i)", cause: nil, time: t0, details: []) }
        var seen: [String] = []
        var after = 0
        while true {
            let page = timeline.entries(after: after, limit: 10)
            seen += page.entries.map(\.id)
            guard let next = page.next else { break }
            after = next
        }
        #expect(seen == (0..<25).map { "e\($0)" })
        // A token from nowhere (a client's) is past the end, never a trap.
        #expect(timeline.entries(after: Int.max).entries.isEmpty)
    }

    @Test func memoryIsBoundedAndTheOldestGoFirst() {
        let timeline = Timeline(capacity: 100)
        for i in 0..<1_000 { timeline.record("call", id: "e\(i)", cause: nil, time: t0, details: []) }
        #expect(timeline.count == 100)
        #expect(timeline.entry("e899") == nil && timeline.entry("e900") != nil)
        #expect(timeline.entries(limit: 1_000).entries.first?.id == "e900")
        #expect(timeline.entries(after: 950, limit: 1_000).entries.first?.id == "e950")
    }

    @Test func annotationsCompleteAnEntryAndListenersHearIt() {
        let timeline = Timeline()
        let heard = Mutex<[String]>([])
        let listener = timeline.addListener { entry in heard.withLock { $0.append("\(entry.id):\(entry["result"]?.stringValue ?? "-")") } }
        timeline.record("invocation", id: "i", cause: nil, time: t0, details: [])
        timeline.annotate("i", [("result", .string("ok"))])
        timeline.removeListener(listener)
        timeline.record("invocation", id: "j", cause: nil, time: t0, details: [])
        #expect(heard.withLock { $0 } == ["i:-", "i:ok"])
        #expect(timeline.entries().entries.first?["result"]?.stringValue == "ok")
    }

    @Test func anEntryGivesBackEveryFieldAsRecorded() {
        let timeline = Timeline()
        let long = String(repeating: "é", count: 200)  // a length past one varint byte
        let details: [(String, JSONValue)] = [
            ("subject", .string("Café \"report\"\n")), ("count", .int(3)), ("ratio", .number("0.50")), ("ok", .bool(true)),
            ("none", .null), ("list", .array([.string("a"), .int(1)])), ("nested", .object([("k", .string(long))])),
        ]
        timeline.record("firing", id: "r-\(long)", cause: nil, time: t0, details: [("rule", .string(long))])
        timeline.record("invocation", id: "i", cause: "r-\(long)", time: t0, details: [("function", .string("f"))])
        timeline.record("call", id: "c", cause: "i", time: t0, details: details)
        timeline.record("call", id: "bare", cause: nil, time: t0, details: [])
        let c = timeline.entry("c")
        #expect(c?.id == "c" && c?.kind == "call" && c?.cause == "i" && c?.rule == long && c?.function == "f" && c?.root == "r-\(long)")
        #expect(c.map { JSONValue.object($0.details) } == .object(details))
        #expect(c?.json.compact == JSONValue.object([("id", .string("c")), ("time", .string("2026-11-27T20:00:00Z")), ("kind", .string("call")),
                                                      ("cause", .string("i"))] + details).compact)
        let bare = timeline.entry("bare")
        #expect(bare?.cause == nil && bare?.rule == nil && bare?.function == nil && bare?.root == "bare" && bare?.details.isEmpty == true)
        // Annotations append to empty and non-empty details alike.
        timeline.annotate("bare", [("result", .string("ok"))])
        timeline.annotate("c", [("durationMs", .number("1.25"))])
        #expect(timeline.entry("bare").map { JSONValue.object($0.details) } == .object([("result", .string("ok"))]))
        #expect(timeline.entry("c")?.details.last?.1 == .number("1.25") && timeline.entry("c")?.details.count == details.count + 1)
    }

    @Test func capacityZeroRecordsNothing() {
        let timeline = Timeline(capacity: 0)
        #expect(timeline.record("call", id: "x", cause: nil, time: t0, details: []) == "x")
        #expect(timeline.count == 0)
    }
}
