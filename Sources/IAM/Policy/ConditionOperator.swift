import CloudCafeCore
import Foundation

/// A condition operator with its set qualifier (`ForAllValues:`/`ForAnyValue:`) and
/// `…IfExists` suffix, evaluated with AWS's rules for missing keys.
struct ConditionOperator: Sendable {
    enum Qualifier: Sendable { case single, forAllValues, forAnyValue }
    enum Base: String, CaseIterable, Sendable {
        case stringEquals = "StringEquals", stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase", stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike", stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals", numericNotEquals = "NumericNotEquals", numericLessThan = "NumericLessThan"
        case numericLessThanEquals = "NumericLessThanEquals", numericGreaterThan = "NumericGreaterThan"
        case numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals", dateNotEquals = "DateNotEquals", dateLessThan = "DateLessThan", dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan", dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool", binaryEquals = "BinaryEquals", ipAddress = "IpAddress", notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals", arnLike = "ArnLike", arnNotEquals = "ArnNotEquals", arnNotLike = "ArnNotLike"
        case null = "Null"

        /// Operators that succeed when nothing matches: a missing key makes them true.
        var isNegated: Bool {
            [.stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals, .notIpAddress, .arnNotEquals, .arnNotLike]
                .contains(self)
        }
    }

    let qualifier: Qualifier
    let base: Base
    /// Whether the policy's values are wildcard patterns (where a substituted variable must stay literal).
    var isPattern: Bool { [.stringLike, .stringNotLike, .arnEquals, .arnLike, .arnNotEquals, .arnNotLike].contains(base) }
    let ifExists: Bool

    init?(_ text: String) {
        var name = Substring(text)
        if name.hasPrefix("ForAllValues:") {
            qualifier = .forAllValues
            name = name.dropFirst("ForAllValues:".count)
        } else if name.hasPrefix("ForAnyValue:") {
            qualifier = .forAnyValue
            name = name.dropFirst("ForAnyValue:".count)
        } else {
            qualifier = .single
        }
        ifExists = name.hasSuffix("IfExists") && name != "IfExists"
        if ifExists { name = name.dropLast("IfExists".count) }
        guard let base = Base(rawValue: String(name)), !(base == .null && ifExists) else { return nil }
        self.base = base
    }

    /// Whether the condition holds for the request's values of its key (nil: key absent).
    /// `cidrs`, when given, are the policy values already parsed as IP blocks.
    func evaluate(policyValues: [String], requestValues: [String]?, cidrs: [CIDR]? = nil) -> Bool {
        if base == .null {
            let absent = requestValues?.isEmpty ?? true
            return policyValues.contains { ($0.lowercased() == "true") == absent }
        }
        guard let values = requestValues, !values.isEmpty else {
            switch qualifier {
            case .forAllValues: return true
            case .forAnyValue: return false
            case .single: return ifExists || base.isNegated
            }
        }
        switch qualifier {
        case .single:
            // A multi-valued key without a qualifier compares its first value, as a single-valued key.
            return matches(values[0], policyValues, cidrs: cidrs)
        case .forAnyValue:
            return values.contains { matches($0, policyValues, cidrs: cidrs) }
        case .forAllValues:
            return values.allSatisfy { matches($0, policyValues, cidrs: cidrs) }
        }
    }

    /// One request value against the policy's values: positive operators need any match,
    /// negated ones need none.
    func matches(_ value: String, _ policyValues: [String], cidrs: [CIDR]? = nil) -> Bool {
        switch base {
        case .stringEquals, .stringNotEquals: return negate(policyValues.contains(value))
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase:
            return negate(policyValues.contains { $0.caseInsensitiveCompare(value) == .orderedSame })
        case .stringLike, .stringNotLike: return negate(policyValues.contains { Glob.matches($0, value, caseSensitive: true) })
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
            guard let v = Double(value) else { return false }
            return negate(policyValues.contains { p in Double(p).map { compare(v, $0) } ?? false })
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let v = Self.date(value) else { return false }
            return negate(policyValues.contains { p in Self.date(p).map { compare(v, $0) } ?? false })
        case .bool: return policyValues.contains { $0.lowercased() == value.lowercased() }
        case .binaryEquals: return policyValues.contains(value)
        case .ipAddress, .notIpAddress:
            guard let ip = IPAddress(value) else { return false }
            if let cidrs { return negate(cidrs.contains { $0.contains(ip) }) }
            return negate(policyValues.contains { CIDR($0)?.contains(ip) ?? false })
        case .arnEquals, .arnNotEquals, .arnLike, .arnNotLike: return negate(policyValues.contains { Glob.arnMatches($0, value) })
        case .null: return false
        }
    }

    private func negate(_ matched: Bool) -> Bool { base.isNegated ? !matched : matched }

    private func compare<T: Comparable>(_ v: T, _ p: T) -> Bool {
        switch base {
        case .numericEquals, .numericNotEquals, .dateEquals, .dateNotEquals: v == p
        case .numericLessThan, .dateLessThan: v < p
        case .numericLessThanEquals, .dateLessThanEquals: v <= p
        case .numericGreaterThan, .dateGreaterThan: v > p
        case .numericGreaterThanEquals, .dateGreaterThanEquals: v >= p
        default: false
        }
    }

    /// ISO 8601 (with or without time and fraction) or epoch seconds.
    static func date(_ text: String) -> Date? {
        if let epoch = Double(text), !text.contains("-") { return Date(timeIntervalSince1970: epoch) }
        if let fast = TimeText.instant(text) { return fast }
        let f = ISO8601DateFormatter()
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withFullDate]
        return f.date(from: text)
    }
}

/// `*` and `?` wildcards, over UTF-8 bytes (ASCII case folding for actions); a NUL byte makes
/// the byte after it literal, which is how substituted policy variables reach a pattern.
enum Glob {
    static func matches(_ pattern: String, _ text: String, caseSensitive: Bool) -> Bool {
        if pattern == "*" { return true }
        var pattern = pattern
        var text = text
        return pattern.withUTF8 { p in text.withUTF8 { t in match(p, t, caseSensitive: caseSensitive) } }
    }

    @inline(__always)
    static func fold(_ b: UInt8, _ caseSensitive: Bool) -> UInt8 {
        !caseSensitive && b >= 65 && b <= 90 ? b + 32 : b
    }

    static func match(_ p: UnsafeBufferPointer<UInt8>, _ t: UnsafeBufferPointer<UInt8>, caseSensitive: Bool) -> Bool {
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi + 1 < p.count && p[pi] == 0 {
                // An escaped byte (a policy variable's value, `${*}`): only itself matches it.
                if fold(p[pi + 1], caseSensitive) == fold(t[ti], caseSensitive) {
                    pi += 2
                    ti += 1
                    continue
                }
            } else if pi < p.count && p[pi] != 42 && (p[pi] == 63 || fold(p[pi], caseSensitive) == fold(t[ti], caseSensitive)) {
                pi += 1
                ti += 1
                continue
            } else if pi < p.count && p[pi] == 42 {
                star = pi
                mark = ti
                pi += 1
                continue
            }
            guard star >= 0 else { return false }
            pi = star + 1
            mark += 1
            ti = mark
        }
        while pi < p.count && p[pi] == 42 { pi += 1 }
        return pi == p.count
    }

    /// ARNs compare segment by segment (the resource part as a whole), case-sensitively.
    static func arnMatches(_ pattern: String, _ arn: String) -> Bool {
        if pattern == "*" { return true }
        var pattern = pattern
        var arn = arn
        return pattern.withUTF8 { p in
            arn.withUTF8 { a in
                guard let ps = segments(p), let vs = segments(a) else { return false }
                for i in 0..<6 {
                    let pp = UnsafeBufferPointer(rebasing: p[ps[i]])
                    let vv = UnsafeBufferPointer(rebasing: a[vs[i]])
                    if !match(pp, vv, caseSensitive: true) { return false }
                }
                return true
            }
        }
    }

    /// The six colon-separated segments of an ARN (the last keeps its colons); nil otherwise.
    static func segments(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(6)
        var start = 0
        for i in 0..<b.count where b[i] == 58 && ranges.count < 5 {
            ranges.append(start..<i)
            start = i + 1
        }
        guard ranges.count == 5 else { return nil }
        ranges.append(start..<b.count)
        return ranges
    }
}

/// An IPv4 or IPv6 address as 16 bytes (IPv4 mapped).
struct IPAddress: Equatable, Sendable {
    let bytes: [UInt8]
    let isV4: Bool

    init?(_ text: String) {
        if text.contains(":") {
            var groups: [UInt16] = []
            let halves = text.components(separatedBy: "::")
            guard halves.count <= 2 else { return nil }
            func parse(_ s: String) -> [UInt16]? {
                s.isEmpty
                    ? []
                    : s.split(separator: ":", omittingEmptySubsequences: false).map { UInt16($0, radix: 16) }.reduce([UInt16]()) { acc, v in
                        v.map { acc + [$0] } ?? []
                    }
            }
            guard let head = parse(halves[0]) else { return nil }
            if halves.count == 2 {
                guard let tail = parse(halves[1]), head.count + tail.count < 8 else { return nil }
                groups = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
            } else {
                groups = head
            }
            guard groups.count == 8 else { return nil }
            bytes = groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            isV4 = false
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { UInt8($0) }
            guard parts.count == 4, parts.allSatisfy({ $0 != nil }) else { return nil }
            bytes = Array(repeating: 0, count: 10) + [0xFF, 0xFF] + parts.compactMap { $0 }
            isV4 = true
        }
    }
}

/// A CIDR block (`10.0.0.0/8`, `2001:db8::/32`, `0.0.0.0/0`); a bare address is /32 or /128.
struct CIDR: Sendable {
    let base: IPAddress
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let base = IPAddress(String(first)) else { return nil }
        let bits = parts.count == 2 ? Int(parts[1]) : (base.isV4 ? 32 : 128)
        guard let bits, bits >= 0, bits <= (base.isV4 ? 32 : 128) else { return nil }
        self.base = base
        prefix = base.isV4 ? bits + 96 : bits
    }

    func contains(_ ip: IPAddress) -> Bool {
        guard ip.isV4 == base.isV4 else { return false }
        for bit in 0..<prefix {
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            if ip.bytes[bit / 8] & mask != base.bytes[bit / 8] & mask { return false }
        }
        return true
    }
}
