import CloudCafeCore
import CloudWatchLogsAPI
import Foundation
import LambdaAPI
import Logging

/// A subscription filter: matching events go to a Lambda function.
struct StoredSubscriptionFilter: Sendable, Codable {
    let name: String
    let text: String
    let pattern: LogFilterPattern
    let destinationArn: String
    let created: Int

    init(name: String, text: String, pattern: LogFilterPattern, destinationArn: String, created: Int) {
        self.name = name
        self.text = text
        self.pattern = pattern
        self.destinationArn = destinationArn
        self.created = created
    }

    // The pattern encodes as its text and is parsed again.
    enum CodingKeys: String, CodingKey { case name, text, destinationArn, created }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        text = try c.decode(String.self, forKey: .text)
        destinationArn = try c.decode(String.self, forKey: .destinationArn)
        created = try c.decode(Int.self, forKey: .created)
        do {
            pattern = try LogFilterPattern(text)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .text, in: c, debugDescription: "the filter pattern no longer parses: \(error.message)")
        }
    }
}

/// A metric filter; CloudCafe keeps it (there is no CloudWatch metrics service to feed).
struct StoredMetricFilter: Sendable, Codable {
    let name: String
    let text: String
    let regexCount: Int
    let transformations: [MetricTransformation]
    let created: Int
}

// Filters: TestMetricFilter, metric filters, and subscription filters that deliver to Lambda.
extension CloudWatchLogs {
    /// A group holds at most two subscription filters.
    static let subscriptionFilterLimit = 2

    func testMetricFilter(_ input: TestMetricFilterRequest) throws(LogsError) -> TestMetricFilterResponse {
        let pattern = try LogFilterPattern(input.filterPattern)
        let matches = input.logEventMessages.enumerated().compactMap { i, message -> MetricFilterMatchRecord? in
            let m = pattern.match(message)
            guard m.matched else { return nil }
            return MetricFilterMatchRecord(eventNumber: i + 1, eventMessage: message, extractedValues: m.extracted)
        }
        return TestMetricFilterResponse(matches: matches)
    }

    func putMetricFilter(_ input: PutMetricFilterRequest, _ ctx: CallContext) throws(LogsError) -> EmptyShape {
        let key = GroupKey(region: ctx.region, name: input.logGroupName)
        guard groups[key] != nil else { throw .groupNotFound() }
        let pattern = try LogFilterPattern(input.filterPattern)
        var filters = groups[key]?.metricFilters ?? [:]
        filters[input.filterName] = StoredMetricFilter(
            name: input.filterName, text: input.filterPattern, regexCount: pattern.regexCount, transformations: input.metricTransformations,
            created: ctx.now.epochMillis)
        // A group holds at most 100 metric filters and five regular expressions across them.
        guard filters.count <= 100, filters.values.reduce(0, { $0 + $1.regexCount }) <= 5 else {
            throw .init(code: .limitExceeded, message: "Resource limit exceeded.")
        }
        groups[key]?.metricFilters = filters
        return EmptyShape()
    }

    func describeMetricFilters(_ input: DescribeMetricFiltersRequest, _ ctx: CallContext) throws(LogsError) -> DescribeMetricFiltersResponse {
        var found: [MetricFilter] = []
        let wanted = groups.values.filter { g in g.arn.region == ctx.region && (input.logGroupName.map { $0 == g.name } ?? true) }
        for g in wanted.sorted(by: { $0.name < $1.name }) {
            for f in g.metricFilters.values.sorted(by: { $0.name < $1.name }) where input.filterNamePrefix.map(f.name.hasPrefix) ?? true {
                if let name = input.metricName, !f.transformations.contains(where: { $0.metricName == name }) { continue }
                if let ns = input.metricNamespace, !f.transformations.contains(where: { $0.metricNamespace == ns }) { continue }
                found.append(
                    MetricFilter(filterName: f.name, filterPattern: f.text, metricTransformations: f.transformations, creationTime: f.created, logGroupName: g.name))
            }
        }
        if let name = input.logGroupName, groups[GroupKey(region: ctx.region, name: name)] == nil { throw .groupNotFound() }
        guard let page = Pagination.page(found, size: input.limit ?? 50, token: input.nextToken) else { throw .invalid("The specified nextToken is invalid.") }
        return DescribeMetricFiltersResponse(metricFilters: page.items, nextToken: page.next)
    }

    func deleteMetricFilter(_ input: DeleteMetricFilterRequest, _ ctx: CallContext) throws(LogsError) -> EmptyShape {
        let key = GroupKey(region: ctx.region, name: input.logGroupName)
        guard groups[key] != nil else { throw .groupNotFound() }
        guard groups[key]?.metricFilters.removeValue(forKey: input.filterName) != nil else {
            throw .init(code: .resourceNotFound, message: "The specified metric filter does not exist.")
        }
        return EmptyShape()
    }

    func putSubscriptionFilter(_ input: PutSubscriptionFilterRequest, _ ctx: CallContext) throws(LogsError) -> EmptyShape {
        let key = GroupKey(region: ctx.region, name: input.logGroupName)
        guard let g = groups[key] else { throw .groupNotFound() }
        let pattern = try LogFilterPattern(input.filterPattern)
        guard ARN(input.destinationArn)?.service == "lambda" else {
            throw .invalid("CloudCafe delivers subscription filters to Lambda functions only: \(input.destinationArn)")
        }
        guard g.subscriptionFilters[input.filterName] != nil || g.subscriptionFilters.count < Self.subscriptionFilterLimit else {
            throw .init(code: .limitExceeded, message: "Resource limit exceeded.")
        }
        groups[key]?.subscriptionFilters[input.filterName] = StoredSubscriptionFilter(
            name: input.filterName, text: input.filterPattern, pattern: pattern, destinationArn: input.destinationArn, created: ctx.now.epochMillis)
        return EmptyShape()
    }

    func describeSubscriptionFilters(_ input: DescribeSubscriptionFiltersRequest, _ ctx: CallContext) throws(LogsError) -> DescribeSubscriptionFiltersResponse {
        let g = try group(input.logGroupName, ctx)
        let all = g.subscriptionFilters.values.sorted { $0.name < $1.name }.filter { input.filterNamePrefix.map($0.name.hasPrefix) ?? true }.map {
            SubscriptionFilter(
                filterName: $0.name, logGroupName: g.name, filterPattern: $0.text, destinationArn: $0.destinationArn, distribution: "ByLogStream",
                creationTime: $0.created)
        }
        guard let page = Pagination.page(all, size: input.limit ?? 50, token: input.nextToken) else { throw .invalid("The specified nextToken is invalid.") }
        return DescribeSubscriptionFiltersResponse(subscriptionFilters: page.items, nextToken: page.next)
    }

    func deleteSubscriptionFilter(_ input: DeleteSubscriptionFilterRequest, _ ctx: CallContext) throws(LogsError) -> EmptyShape {
        let key = GroupKey(region: ctx.region, name: input.logGroupName)
        guard groups[key] != nil else { throw .groupNotFound() }
        guard groups[key]?.subscriptionFilters.removeValue(forKey: input.filterName) != nil else {
            throw .init(code: .resourceNotFound, message: "The specified subscription filter does not exist.")
        }
        return EmptyShape()
    }

    /// Sends the events a subscription filter matches to its function, as CloudWatch Logs
    /// does: the `awslogs` document, gzip'd and base64'd, as an asynchronous invocation made
    /// by `logs.amazonaws.com` (the function's resource policy decides).
    func deliverToSubscriptions(group: StoredLogGroup, stream: String, events: [InputLogEvent], ctx: CallContext) {
        for filter in group.subscriptionFilters.values.sorted(by: { $0.name < $1.name }) {
            let matched = events.filter { filter.pattern.matches($0.message) }
            guard !matched.isEmpty else { continue }
            let document = JSONValue.object([
                ("messageType", .string("DATA_MESSAGE")), ("owner", .string(ctx.account)), ("logGroup", .string(group.name)),
                ("logStream", .string(stream)), ("subscriptionFilters", .array([.string(filter.name)])),
                (
                    "logEvents",
                    .array(
                        matched.map { e in
                            .object([("id", .string(dispatcher.ids.hex(28))), ("timestamp", .int(e.timestamp)), ("message", .string(e.message))])
                        })
                ),
            ])
            let payload = JSONValue.object([("awslogs", .object([("data", .string(Gzip.compress(document.data).base64EncodedString()))]))])
            let logs = dispatcher.client(as: .service("logs.amazonaws.com"), region: ctx.region, sourceArn: group.arn.description + ":*", causeID: ctx.requestID)
            let destination = filter.destinationArn
            dispatcher.work.spawn {
                do {
                    _ = try await logs.send(LambdaOperations.invoke, InvocationRequest(functionName: destination, invocationType: "Event", payload: payload.data))
                } catch {
                    Logger(label: "cloudcafe.logs").warning("subscription delivery failed", metadata: ["destination": "\(destination)", "error": "\(error)"])
                }
            }
        }
    }
}

/// gzip with stored (uncompressed) deflate blocks: every gzip reader takes it, and it needs
/// no compression library.
enum Gzip {
    static func compress(_ data: Data) -> Data {
        var out = Data([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF])
        let bytes = [UInt8](data)
        var offset = 0
        repeat {
            let n = min(65_535, bytes.count - offset)
            let last: UInt8 = offset + n >= bytes.count ? 1 : 0
            out.append(last)
            out.append(UInt8(n & 0xFF))
            out.append(UInt8(n >> 8))
            out.append(UInt8(~n & 0xFF))
            out.append(UInt8((~n >> 8) & 0xFF))
            out.append(contentsOf: bytes[offset..<offset + n])
            offset += n
        } while offset < bytes.count
        var crc = crc32(bytes)
        var size = UInt32(truncatingIfNeeded: bytes.count)
        for _ in 0..<4 {
            out.append(UInt8(crc & 0xFF))
            crc >>= 8
        }
        for _ in 0..<4 {
            out.append(UInt8(size & 0xFF))
            size >>= 8
        }
        return out
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}
