@testable import CloudWatchLogs
import Foundation
import Testing

/// CloudWatch Logs filter patterns: terms, regex, JSON and space-delimited, as AWS reads them.
struct LogFilterPatternTests {
    func matches(_ pattern: String, _ message: String) throws -> Bool { try LogFilterPattern(pattern).matches(message) }

    @Test(arguments: [
        ("", "anything", true),
        ("ERROR", "[ERROR] disk full", true),
        ("ERROR", "error: disk full", false),
        ("ERROR disk", "[ERROR] disk full", true),
        ("ERROR memory", "[ERROR] disk full", false),
        (#""disk full""#, "[ERROR] disk full", true),
        (#""full disk""#, "[ERROR] disk full", false),
        ("?ERROR ?WARN", "WARN low memory", true),
        ("?ERROR ?WARN", "INFO fine", false),
        ("ERROR -disk", "[ERROR] disk full", false),
        ("ERROR -memory", "[ERROR] disk full", true),
        ("%ERR(OR)?:%", "ERROR: x", true),
        ("%^INFO%", "WARN INFO", false),
    ])
    func terms(_ pattern: String, _ message: String, _ expected: Bool) throws {
        #expect(try matches(pattern, message) == expected)
    }

    @Test(arguments: [
        (#"{ $.level = "error" }"#, true),
        (#"{ $.level = "err*" }"#, true),
        (#"{ $.level != "error" }"#, false),
        (#"{ $.ms > 100 }"#, true),
        (#"{ $.ms <= 100 }"#, false),
        (#"{ $.user.id = 7 }"#, true),
        (#"{ $.items[1].name = "scone" }"#, true),
        (#"{ $.items[*].name = "scone" }"#, true),
        (#"{ $.tags[0] = "hot" }"#, true),
        (#"{ $.['dotted.key'] = "yes" }"#, true),
        (#"{ $.ok IS TRUE }"#, true),
        (#"{ $.ok IS FALSE }"#, false),
        (#"{ $.gone IS NULL }"#, true),
        (#"{ $.missing NOT EXISTS }"#, true),
        (#"{ $.level NOT EXISTS }"#, false),
        (#"{ ($.level = "error") && ($.ms > 500) }"#, false),
        (#"{ ($.level = "info") || ($.ms > 100) }"#, true),
        (#"{ $.ip = 10.0.* }"#, true),
        (#"{ $.level = %^err% }"#, true),
    ])
    func json(_ pattern: String, _ expected: Bool) throws {
        let event = #"{"level":"error","ms":250,"user":{"id":7},"items":[{"name":"latte"},{"name":"scone"}],"tags":["hot"],"dotted.key":"yes","ok":true,"gone":null,"ip":"10.0.0.17"}"#
        #expect(try matches(pattern, event) == expected)
    }

    @Test func spaceDelimitedFieldsMatchAndExtract() throws {
        let line = #"127.0.0.1 frank admin [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326"#
        let pattern = try LogFilterPattern("[ip, user, username, timestamp, request = \"*gif*\", status_code = 4* || status_code = 5*, bytes]")
        let m = pattern.match(line)
        #expect(m.matched)
        #expect(m.extracted["$ip"] == "127.0.0.1")
        #expect(m.extracted["$timestamp"] == "10/Oct/2000:13:25:15 -0700")
        #expect(m.extracted["$status_code"] == "404")
        #expect(try matches("[..., status = 404, bytes > 1000]", line))
        #expect(try !matches("[..., status = 200, bytes]", line))
        #expect(try !matches("[a, b]", line))
    }

    @Test(arguments: ["ERROR:", "{ $.a = }", "{ level = 1 }", "[a, b", "{ $.a > \"x\" }", "%a(?=b)%", #""unclosed"#, "{ $.a = %x% && $.b = %y% && $.c = %z% }"])
    func invalidPatternsAreRefused(_ pattern: String) {
        #expect(throws: LogsError.self) { _ = try LogFilterPattern(pattern) }
    }

    @Test func invalidTermsSayWhich() {
        do {
            _ = try LogFilterPattern("ERROR:")
            Issue.record("accepted")
        } catch {
            #expect(error.message == "Invalid character(s) in term 'ERROR:'")
        }
    }

    @Test func gzipIsReadableByGzip() throws {
        #expect(Gzip.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        let text = String(repeating: "CloudCafe log line\n", count: 5000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Gzip.compress(Data(text.utf8)))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: data, as: UTF8.self) == text)
    }
}
