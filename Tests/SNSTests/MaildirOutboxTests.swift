import Foundation
import SNS
import Testing

struct MaildirOutboxTests {
    func tempDir() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("outbox-\(UUID().uuidString)")
    }

    func email(at seconds: TimeInterval, subject: String = "Daily Sales Analysis Report", body: String = "line\twith tab  \n") -> Email {
        Email(
            fromName: "SARTopic", to: "admin@example.com", subject: subject, date: Date(timeIntervalSince1970: seconds), messageID: "m-\(seconds)", body: body)
    }

    @Test func listsEachMessageAtTheMillisecondItWasSent() throws {
        // Given messages sent across a leap day, a year's end and whole seconds
        let outbox = try MaildirOutbox(directory: tempDir())
        let sent = [951_782_400.5, 1_709_164_799.999, 1_735_689_599.125, 1_795_896_000, 4_102_444_800.001].map { Date(timeIntervalSince1970: $0) }
        for date in sent { _ = try outbox.deliver(email(at: date.timeIntervalSince1970)) }
        // Then the listing tells each one's time to the millisecond
        let listed = outbox.list().map(\.time.timeIntervalSince1970)
        #expect(listed.count == sent.count)
        for (time, date) in zip(listed, sent.sorted()) { #expect(abs(time - date.timeIntervalSince1970) < 0.0005, "\(time) \(date)") }
    }

    @Test func deliversIntoNewWithSortableNames() throws {
        // Given an empty Maildir
        let outbox = try MaildirOutbox(directory: tempDir())
        // When two emails are delivered, the later one first
        let later = try outbox.deliver(email(at: 1_795_896_000))
        let earlier = try outbox.deliver(email(at: 1_795_809_600))
        // Then names sort by send time, end in .eml, and tmp/ is empty
        #expect(later.hasSuffix(".eml") && earlier.hasSuffix(".eml"))
        #expect(outbox.list().map(\.file) == [earlier, later])
        #expect(try FileManager.default.contentsOfDirectory(atPath: outbox.directory.appendingPathComponent("tmp").path).isEmpty)
        #expect(outbox.list().first?.subject == "Daily Sales Analysis Report")
    }

    @Test func whatAKilledDaemonLeftInTmpIsClearedAtStart() throws {
        let dir = tempDir()
        _ = try MaildirOutbox(directory: dir)
        let leftover = dir.appendingPathComponent("tmp").appendingPathComponent("20261127T200000.000Z.000001.eml")
        try Data("half an em".utf8).write(to: leftover)
        let outbox = try MaildirOutbox(directory: dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("tmp").path).isEmpty)
        #expect(outbox.list().isEmpty)
    }

    @Test func aDeliveryThatCannotBeWrittenFailsAndLeavesNothing() throws {
        let dir = tempDir()
        let outbox = try MaildirOutbox(directory: dir)
        // new/ replaced by a file: the rename fails as on a full or read-only disk.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("new"))
        try Data().write(to: dir.appendingPathComponent("new"))
        #expect(throws: (any Error).self) { try outbox.deliver(email(at: 1_795_896_000)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("tmp").path).isEmpty)
    }

    @Test func messageIsRFC5322WithExactBody() throws {
        let outbox = try MaildirOutbox(directory: tempDir())
        let body = "  centred  \n\tTabbed\n\nno final newline"
        let name = try outbox.deliver(email(at: 1_795_896_000, body: body))
        let text = try #require(outbox.read(name))
        let (headers, rest) = try #require(text.range(of: "\n\n").map { (text[..<$0.lowerBound], text[$0.upperBound...]) })
        #expect(
            headers.split(separator: "\n").map { $0.split(separator: ":").first.map(String.init) ?? "" } == [
                "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
            ])
        #expect(headers.contains("From: SARTopic <no-reply@sns.amazonaws.com>"))
        #expect(headers.contains("Date: Sat, 28 Nov 2026 20:00:00 +0000"))
        #expect(headers.contains("Content-Type: text/plain; charset=UTF-8"))
        let decoded = Data(base64Encoded: String(rest.filter { !$0.isWhitespace })).map { String(decoding: $0, as: UTF8.self) }
        #expect(decoded == body)
    }

    @Test func nonASCIISubjectIsEncoded() throws {
        let outbox = try MaildirOutbox(directory: tempDir())
        let name = try outbox.deliver(email(at: 0, subject: "Café ☕"))
        #expect(outbox.read(name)?.contains("Subject: =?UTF-8?B?") == true)
        #expect(outbox.list().first?.subject == "Café ☕")
    }

    @Test func readRefusesPathsOutsideTheOutbox() throws {
        let outbox = try MaildirOutbox(directory: tempDir())
        #expect(outbox.read("../../etc/passwd") == nil)
        #expect(outbox.read("missing.eml") == nil)
    }
}
