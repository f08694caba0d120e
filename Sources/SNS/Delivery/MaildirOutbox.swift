import CloudCafeCore
public import Foundation
import Synchronization

/// The email outbox: a Maildir whose `new/` holds one RFC 5322 message per email.
///
/// Each message is written under `tmp/` and renamed into `new/`, so a reader never sees
/// half an email. Names start with the virtual send time, so they sort in sending order.
public final class MaildirOutbox: Sendable {
    /// The Maildir's root folder.
    public let directory: URL
    private let sequence = Mutex(0)

    /// An outbox in `directory`, created with its `tmp`, `new` and `cur` folders if absent.
    public init(directory: URL) throws {
        self.directory = directory
        for sub in ["tmp", "new", "cur"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        // What a killed daemon left half-written in tmp/ was never delivered: it goes.
        let tmp = directory.appendingPathComponent("tmp")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? [] {
            try? FileManager.default.removeItem(at: tmp.appendingPathComponent(name))
        }
        // Continue numbering after what is there, so new names never collide with old ones.
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("new").path)) ?? []
        sequence.withLock { $0 = existing.count }
    }

    /// Writes `email` atomically and returns its file name.
    @discardableResult
    public func deliver(_ email: Email) throws -> String {
        let n = sequence.withLock { s in
            s += 1
            return s
        }
        let name = "\(Self.nameStamp(email.date)).\(Digits.padded(n, 6)).eml"
        let tmp = directory.appendingPathComponent("tmp").appendingPathComponent(name)
        let new = directory.appendingPathComponent("new").appendingPathComponent(name)
        do {
            try Self.write(Array(email.rfc5322.utf8), to: tmp.path)
            try FileManager.default.moveItem(at: tmp, to: new)
        } catch {
            // A full disk or a read-only folder fails this delivery; nothing half-written stays.
            try? FileManager.default.removeItem(at: tmp)
            throw error
        }
        return name
    }

    /// Writes `bytes` to a new file at `path`, without the fsync Foundation's `Data.write`
    /// makes: that was 3 ms of every email (the first one in start-up), more while the disk is
    /// busy. Like the state store, the outbox survives the daemon's death, not power loss.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            done += n
        }
    }

    /// The delivered messages in sending order.
    public func list() -> [OutboxEntry] {
        let folder = directory.appendingPathComponent("new")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        return names.compactMap { name in
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else { return nil }
            let headers = Email.headers(of: String(decoding: data, as: UTF8.self))
            return OutboxEntry(file: name, to: headers["To"] ?? "", subject: Email.decodeHeader(headers["Subject"] ?? ""), time: Self.sendTime(name))
        }
    }

    /// The raw text of the message `name` (`new/` only; names never contain `/`).
    public func read(_ name: String) -> String? {
        guard !name.contains("/"), name.hasSuffix(".eml") else { return nil }
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("new").appendingPathComponent(name)) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The names of the delivered messages.
    public func fileNames() -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("new").path)) ?? [])
    }

    /// Removes the delivered messages not in `names` (a snapshot loaded: what came after it goes).
    public func keepOnly(_ names: Set<String>) {
        let folder = directory.appendingPathComponent("new")
        for name in fileNames().subtracting(names) { try? FileManager.default.removeItem(at: folder.appendingPathComponent(name)) }
    }

    /// Removes every message (admin reset).
    /// A delivered email's headers (decoded) and body (decoded), so nobody needs to parse MIME.
    public func message(_ name: String) -> (headers: [(String, String)], body: String)? {
        guard let text = read(name) else { return nil }
        let parts = text.components(separatedBy: "\n\n")
        guard let head = parts.first else { return nil }
        let headers = head.split(separator: "\n").compactMap { line -> (String, String)? in
            let pair = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { return nil }
            return (String(pair[0]), Email.decodeHeader(pair[1].trimmingCharacters(in: .whitespaces)))
        }
        let encoded = parts.dropFirst().joined(separator: "\n\n").split(whereSeparator: \.isWhitespace).joined()
        guard let body = Data(base64Encoded: encoded) else { return (headers, encoded) }
        return (headers, String(decoding: body, as: UTF8.self))
    }

    public func clear() {
        for sub in ["tmp", "new", "cur"] {
            let folder = directory.appendingPathComponent(sub)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
            }
        }
        sequence.withLock { $0 = 0 }
    }

    /// The send time a file name starts with.
    /// When a message was sent, from the `yyyyMMddTHHmmss.SSS` its name starts with (the
    /// epoch when it does not). Read as digits: a DateFormatter per message (ICU's set-up)
    /// made listing the outbox cost 10 M instructions for one email.
    static func sendTime(_ name: String) -> Date {
        let b = Array(name.utf8.prefix(19))
        let number = { (range: Range<Int>) in Digits.number(b, range) }
        guard b.count == 19, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "."), let year = number(0..<4), let month = number(4..<6),
            let day = number(6..<8), let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            let millisecond = number(16..<19), (1...12).contains(month), (1...CivilTime.daysIn(year: year, month: month)).contains(day), hour < 24,
            minute < 60, second < 60
        else { return Date(timeIntervalSince1970: 0) }
        let whole = CivilTime.date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return whole.addingTimeInterval(Double(millisecond) / 1000)
    }

    static func nameStamp(_ date: Date) -> String {
        let c = CivilTime(date)
        return Digits.padded(c.year, 4) + Digits.padded(c.month, 2) + Digits.padded(c.day, 2) + "T" + Digits.padded(c.hour, 2) + Digits.padded(c.minute, 2)
            + Digits.padded(c.second, 2) + "." + Digits.padded(c.millisecond, 3) + "Z"
    }
}

/// One message as the outbox lists it.
public struct OutboxEntry: Sendable, Codable, Equatable {
    public let file: String
    public let to: String
    public let subject: String
    /// The virtual instant it was sent.
    public let time: Date
}

/// An email as SNS sends it.
public struct Email: Sendable {
    public var fromName: String
    public var to: String
    public var subject: String
    public var date: Date
    public var messageID: String
    public var body: String

    public init(fromName: String, to: String, subject: String, date: Date, messageID: String, body: String) {
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.body = body
    }

    /// The message file: headers, then the body in base64 so every byte (tabs, trailing
    /// spaces, a missing final newline) survives exactly.
    public var rfc5322: String {
        let encodedBody = Data(body.utf8).base64EncodedString()
        var lines: [String] = []
        var i = encodedBody.startIndex
        while i < encodedBody.endIndex {
            let j = encodedBody.index(i, offsetBy: 76, limitedBy: encodedBody.endIndex) ?? encodedBody.endIndex
            lines.append(String(encodedBody[i..<j]))
            i = j
        }
        return """
            From: \(Self.encodeHeader(fromName)) <no-reply@sns.amazonaws.com>
            To: \(to)
            Subject: \(Self.encodeHeader(subject))
            Date: \(Self.rfc5322Date(date))
            Message-ID: <\(messageID)@email.amazonses.com>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=UTF-8
            Content-Transfer-Encoding: base64


            """ + lines.joined(separator: "\n") + "\n"
    }

    /// An RFC 2047 encoded word for non-ASCII header text.
    static func encodeHeader(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    static func decodeHeader(_ text: String) -> String {
        guard text.hasPrefix("=?UTF-8?B?"), text.hasSuffix("?="),
            let data = Data(base64Encoded: String(text.dropFirst(10).dropLast(2)))
        else { return text }
        return String(decoding: data, as: UTF8.self)
    }

    static func rfc5322Date(_ date: Date) -> String {
        let c = CivilTime(date)
        let weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][CivilTime.weekday(year: c.year, month: c.month, day: c.day) - 1]
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][c.month - 1]
        return "\(weekday), \(Digits.padded(c.day, 2)) \(month) \(Digits.padded(c.year, 4)) \(Digits.padded(c.hour, 2)):\(Digits.padded(c.minute, 2)):\(Digits.padded(c.second, 2)) +0000"
    }

    static func headers(of text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            result[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return result
    }
}
