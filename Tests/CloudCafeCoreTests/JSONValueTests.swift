import CloudCafeCore
import Foundation
import Testing

struct JSONValueTests {
    @Test func keepsMemberOrderAndNumberText() throws {
        let v = try JSONValue(parsing: #"{"b": 1, "a": [true, null, 2.50, "x"]}"#)
        #expect(v.compact == #"{"b":1,"a":[true,null,2.50,"x"]}"#)
    }

    @Test func writesAsPythonJsonDumps() throws {
        // json.dumps({"statusCode": 200, "body": "\"Sale Analysis Report sent.\""}) in Python.
        let v = JSONValue.object([("statusCode", .int(200)), ("body", .string("\"Sale Analysis Report sent.\""))])
        #expect(v.pythonDumps == #"{"statusCode": 200, "body": "\"Sale Analysis Report sent.\""}"#)
        #expect(JSONValue.string("café\u{1F600}\t").pythonDumps == #""caf\u00e9\ud83d\ude00\t""#)
    }

    @Test func printsAsPythonRepr() {
        let v = JSONValue.object([("errorType", .string("Runtime.ExitError")), ("ok", .bool(false)), ("n", .null), ("q", .string("it's"))])
        #expect(v.pythonRepr == #"{'errorType': 'Runtime.ExitError', 'ok': False, 'n': None, 'q': "it's"}"#)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "\"\\x\"", "tru", "1 2", String(repeating: "[", count: 10_000)])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue(parsing: text) }
    }

    @Test func decodesEscapesAndSurrogates() throws {
        #expect(try JSONValue(parsing: #""a\n\u00e9\ud83d\ude00""#) == .string("a\né😀"))
    }
}

struct TimeTextTests {
    @Test(arguments: [
        ("2m", 120.0), ("90s", 90), ("3h", 10_800), ("1d", 86_400), ("1w", 604_800), ("PT2M", 120), ("P1DT2H", 93_600), ("P1W", 604_800), ("PT1.5S", 1.5),
    ])
    func parsesDurations(_ text: String, _ seconds: Double) {
        #expect(TimeText.duration(text) == seconds)
    }

    @Test(arguments: ["", "2", "m", "2x", "P", "PT", "P2H", "PTM", "1e308y", "nany", "infs", "201y", "P99999999W"])
    func rejectsDurations(_ text: String) {
        #expect(TimeText.duration(text) == nil)
    }

    @Test func readsAndWritesInstants() {
        let d = TimeText.instant("2026-11-28T19:59:00Z")
        #expect(d.map(TimeText.iso8601) == "2026-11-28T19:59:00Z")
        #expect(TimeText.instant("yesterday") == nil)
    }
}

struct VirtualClockTests {
    @Test func frozenClockStaysUntilMoved() async throws {
        let start = TimeText.instant("2026-11-27T19:59:00Z")!
        let clock = VirtualClock(start: start, rate: 0)
        try await Task.sleep(for: .milliseconds(20))
        #expect(clock.now == start)
        #expect(clock.realDelay(until: start.addingTimeInterval(60)) == nil)
        clock.set(start.addingTimeInterval(3600))
        #expect(clock.now == start.addingTimeInterval(3600))
    }

    @Test func fastClockRunsFaster() async throws {
        let start = TimeText.instant("2026-11-27T19:59:00Z")!
        let clock = VirtualClock(start: start, rate: 1000)
        try await Task.sleep(for: .milliseconds(50))
        #expect(clock.now.timeIntervalSince(start) >= 50)
        clock.setRate(0)
        let frozen = clock.now
        try await Task.sleep(for: .milliseconds(10))
        #expect(clock.now == frozen)
    }
}

struct WorkTrackerTests {
    @Test func waitsForNestedWork() async {
        let tracker = WorkTracker()
        let done = Counter()
        tracker.spawn {
            try? await Task.sleep(for: .milliseconds(20))
            tracker.spawn {
                try? await Task.sleep(for: .milliseconds(20))
                await done.add()
            }
            await done.add()
        }
        await tracker.waitUntilIdle()
        #expect(await done.value == 2)
        #expect(tracker.running == 0)
    }

    actor Counter {
        var value = 0
        func add() { value += 1 }
    }
}

struct ARNTests {
    @Test func parsesFieldsOnce() {
        let arn = ARN("arn:aws:lambda:us-east-1:000000000000:function:salesAnalysisReport:$LATEST")
        #expect(arn?.service == "lambda")
        #expect(arn?.region == "us-east-1")
        #expect(arn?.resource == "function:salesAnalysisReport:$LATEST")
        #expect(ARN("arn:aws:iam::000000000000:role/service-role/r")?.lastComponent == "r")
        // The last non-empty piece, as splitting on both separators gives it.
        for resource in ["r", "role/a/b/", "function:f:", "a:/b//", "//", "", "x/é:ü"] {
            let split = resource.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? resource
            #expect(ARN("arn:aws:iam::000000000000:\(resource)")?.lastComponent == split, "\(resource)")
        }
        #expect(ARN("not:an:arn") == nil)
        #expect(ARN("arn::sns:us-east-1:1:t") == nil)
        #expect(ARN("arn:aws::us-east-1:1:t") == nil)
        #expect(ARN("arn:aws:s3:::bucket")?.resource == "bucket")
        #expect(ARN("arn:aws:sns:us-east-1:000000000000") == nil)
        #expect(ARN("arn:aws:sns:us-east-1:000000000000:")?.resource == "")
        let text = "arn:aws:events:us-east-1:000000000000:rule/é:x"
        #expect(ARN(text)?.description == text)
        // Equal ARNs hash alike; ARNs differing in any field are not equal.
        #expect(Set([ARN(text)!, ARN(text)!]).count == 1)
        #expect(ARN("arn:aws:events:us-east-2:000000000000:rule/r") != ARN("arn:aws:events:us-east-1:000000000000:rule/r"))
    }
}

struct IDGeneratorTests {
    @Test func uuidsAreVersion4AndReproducibleUnderASeed() {
        let a = IDGenerator(seed: 1), b = IDGenerator(seed: 1)
        let id = a.uuid()
        #expect(id == b.uuid())
        #expect(id.count == 36)
        #expect(id.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(Array(id)[14] == "4")
        #expect("89ab".contains(Array(id)[19]))
        #expect(UUID(uuidString: id) != nil)
        // The ids a seed gives stay what they were (SplitMix64's first sixteen outputs, a byte each).
        #expect(IDGenerator(seed: 1).uuid() == "c1675e0b-b980-4575-a896-61fec08aa83b")
    }
}

struct JSONValueScaleTests {
    @Test func wideObjectsParseLinearlyAndKeepTheLastDuplicate() throws {
        let keys = (0..<100_000).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let value = try JSONValue(parsing: "{" + keys + ",\"k5\":\"last\"}")
        guard case .object(let members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.count == 100_000)
        #expect(value["k5"] == .string("last"))
        #expect(value["k99999"] == .int(99_999))
    }
}
