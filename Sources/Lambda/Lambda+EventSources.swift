import CloudCafeCore
import Foundation
import LambdaAPI
import SQSAPI

/// An SQS event source mapping: a poller that hands a queue's messages to a function in batches.
struct EventSourceMapping: Sendable, Codable {
    let uuid: String
    var function: Lambda.Key
    var qualifier: String?
    let queueArn: String
    var batchSize: Int
    var window: Int
    var filters: [String]
    var reportFailures: Bool
    var maximumConcurrency: Int?
    var enabled: Bool
    var lastModified: Date
    /// When a batch smaller than `batchSize` was first seen, while the window is open.
    var waitingSince: Date?
    var lastResult = "No records processed"
    /// Rounds run at the current virtual instant: a queue that refills itself (a function
    /// sending to its own source) must not hold a frozen clock forever.
    var rounds: Rounds?

    struct Rounds: Sendable, Codable {
        let at: Date
        let count: Int
    }
}

// SQS event source mappings, polled on the virtual clock as the execution role.
extension Lambda {
    /// The Agenda kind of a mapping's next poll.
    static let pollKind = "lambda.poll"
    /// How long an idle poller waits before looking again (virtual seconds).
    static let idlePoll: TimeInterval = 1
    /// At most this many rounds at one virtual instant; then the poller waits for the clock.
    static let roundsPerInstant = 1_000

    struct Poll: Codable {
        let uuid: String
    }

    func schedulePoll(_ uuid: String, at due: Date) {
        dispatcher.agenda.schedule(AgendaItem(id: "\(Self.pollKind)|\(uuid)", kind: Self.pollKind, due: due, payload: Poll(uuid: uuid)))
    }

    func mappingConfiguration(_ m: EventSourceMapping, state: String? = nil) -> EventSourceMappingConfiguration {
        let base = functions[m.function]
        let arn = base.map { Self.arn($0, qualifier: m.qualifier) } ?? ""
        return EventSourceMappingConfiguration(
            uuid: m.uuid, batchSize: m.batchSize, maximumBatchingWindowInSeconds: m.window, eventSourceArn: m.queueArn,
            filterCriteria: m.filters.isEmpty ? nil : FilterCriteria(filters: m.filters.map { Filter(pattern: $0) }), functionArn: arn,
            lastModified: m.lastModified, lastProcessingResult: m.lastResult, state: state ?? (m.enabled ? "Enabled" : "Disabled"),
            stateTransitionReason: "USER_INITIATED", functionResponseTypes: m.reportFailures ? ["ReportBatchItemFailures"] : nil,
            scalingConfig: m.maximumConcurrency.map { ScalingConfig(maximumConcurrency: $0) },
            eventSourceMappingArn: "arn:aws:lambda:\(m.function.region):\(dispatcher.account):event-source-mapping:\(m.uuid)")
    }

    /// The model bounds each (1–10,000 and 0–300); together, a batch over ten needs a window.
    static func checkBatching(batchSize: Int, window: Int) throws(LambdaError) {
        if batchSize > 10, window < 1 {
            throw .invalid("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
        }
    }

    static func checkFilters(_ criteria: FilterCriteria?) throws(LambdaError) -> [String] {
        let patterns = (criteria?.filters ?? []).compactMap(\.pattern)
        for p in patterns {
            do throws(EventPattern.Invalid) {
                _ = try EventPattern(p)
            } catch {
                throw .invalid("Invalid filter pattern definition.")
            }
        }
        return patterns
    }

    func createMapping(_ input: CreateEventSourceMappingRequest, _ ctx: CallContext) async throws -> EventSourceMappingConfiguration {
        let (f, qualifier) = try qualified(input.functionName, nil, ctx)
        guard let source = input.eventSourceArn, let queue = ARN(source), queue.service == "sqs" else {
            throw LambdaError.invalid("CloudCafe maps SQS queues to functions: EventSourceArn must be an SQS queue's ARN.")
        }
        let key = Key(region: f.arn.region, name: f.name)
        if let existing = mappings.values.first(where: { $0.function == key && $0.queueArn == source }) {
            throw LambdaError(
                code: .resourceConflict,
                message:
                    "An event source mapping with SQS arn (\" \(source) \") and function (\" \(f.name) \") already exists. Please update or delete the existing mapping with UUID \(existing.uuid)"
            )
        }
        let batchSize = input.batchSize ?? 10
        let window = input.maximumBatchingWindowInSeconds ?? 0
        try Self.checkBatching(batchSize: batchSize, window: window)
        let filters = try Self.checkFilters(input.filterCriteria)
        // Lambda polls as the execution role: it must be allowed to read the queue, which must exist.
        let role = dispatcher.client(as: .assumedRole(role: f.role, session: f.name), region: f.arn.region)
        do {
            _ = try await role.send(SQSOperations.getQueueAttributes, GetQueueAttributesRequest(queueUrl: queue.sqsQueueURL, attributeNames: ["QueueArn"]))
        } catch let e as AWSClientError {
            let what = e.error.httpStatus == 403 ? "The provided execution role does not have permissions to call ReceiveMessage on SQS" : e.error.message
            throw LambdaError.invalid(what)
        }
        let m = EventSourceMapping(
            uuid: dispatcher.ids.uuid(), function: key, qualifier: qualifier, queueArn: source, batchSize: batchSize, window: window, filters: filters,
            reportFailures: (input.functionResponseTypes ?? []).contains("ReportBatchItemFailures"),
            maximumConcurrency: input.scalingConfig?.maximumConcurrency,
            enabled: input.enabled ?? true, lastModified: ctx.now)
        mappings[m.uuid] = m
        if m.enabled { schedulePoll(m.uuid, at: ctx.now) }
        return mappingConfiguration(m, state: "Creating")
    }

    func mapping(_ uuid: String) throws(LambdaError) -> EventSourceMapping {
        guard let m = mappings[uuid] else { throw .policyNotFound() }
        return m
    }

    func updateMapping(_ input: UpdateEventSourceMappingRequest, _ ctx: CallContext) throws(LambdaError) -> EventSourceMappingConfiguration {
        var m = try mapping(input.uuid)
        if let name = input.functionName {
            let (f, q) = try qualified(name, nil, ctx)
            m.function = Key(region: f.arn.region, name: f.name)
            m.qualifier = q
        }
        let batchSize = input.batchSize ?? m.batchSize
        let window = input.maximumBatchingWindowInSeconds ?? m.window
        try Self.checkBatching(batchSize: batchSize, window: window)
        (m.batchSize, m.window) = (batchSize, window)
        if let criteria = input.filterCriteria { m.filters = try Self.checkFilters(criteria) }
        if let types = input.functionResponseTypes { m.reportFailures = types.contains("ReportBatchItemFailures") }
        if let scaling = input.scalingConfig { m.maximumConcurrency = scaling.maximumConcurrency }
        if let enabled = input.enabled { m.enabled = enabled }
        m.lastModified = ctx.now
        mappings[m.uuid] = m
        if m.enabled { schedulePoll(m.uuid, at: ctx.now) } else { dispatcher.agenda.cancel("\(Self.pollKind)|\(m.uuid)") }
        return mappingConfiguration(m)
    }

    func deleteMapping(_ input: DeleteEventSourceMappingRequest) throws(LambdaError) -> EventSourceMappingConfiguration {
        let m = try mapping(input.uuid)
        mappings[m.uuid] = nil
        dispatcher.agenda.cancel("\(Self.pollKind)|\(m.uuid)")
        return mappingConfiguration(m, state: "Deleting")
    }

    func listMappings(_ input: ListEventSourceMappingsRequest, _ ctx: CallContext) throws(LambdaError) -> ListEventSourceMappingsResponse {
        let name = input.functionName.map(Self.functionName(from:))
        let all = mappings.values.filter {
            $0.function.region == ctx.region && (name == nil || $0.function.name == name)
                && (input.eventSourceArn == nil || $0.queueArn == input.eventSourceArn)
        }.sorted { $0.uuid < $1.uuid }
        let (page, next) = try Self.page(all, marker: input.marker, maxItems: input.maxItems)
        return ListEventSourceMappingsResponse(nextMarker: next, eventSourceMappings: page.map { mappingConfiguration($0) })
    }

    // MARK: - Polling

    /// One round of a mapping: up to `MaximumConcurrency` batches (5 by default) received,
    /// filtered and handed to the function together; what succeeded is deleted, the rest
    /// comes back after the queue's visibility timeout (and goes to its DLQ after
    /// `maxReceiveCount` receives). A round that deleted something polls again at once.
    func poll(_ item: AgendaItem) async {
        guard let uuid = try? item.payload(as: Poll.self).uuid, var m = mappings[uuid], m.enabled else { return }
        guard let base = functions[m.function], let f = try? resolve(base, qualifier: m.qualifier), let queue = ARN(m.queueArn) else { return }
        let now = dispatcher.clock.now
        let role = dispatcher.client(as: .assumedRole(role: f.role, session: f.name), region: f.arn.region)
        let url = queue.sqsQueueURL
        if throttled(f) != nil { return schedulePoll(uuid, at: now.addingTimeInterval(Self.idlePoll)) }
        // The batching window: wait for a full batch, or for the window to close.
        if m.window > 0 {
            let visible =
                (try? await role.send(
                    SQSOperations.getQueueAttributes, GetQueueAttributesRequest(queueUrl: url, attributeNames: ["ApproximateNumberOfMessages"])))?
                .attributes?["ApproximateNumberOfMessages"].flatMap(Int.init) ?? 0
            if visible == 0 {
                m.waitingSince = nil
                mappings[uuid] = m
                return schedulePoll(uuid, at: now.addingTimeInterval(Self.idlePoll))
            }
            let since = m.waitingSince ?? now
            if visible < m.batchSize, now < since.addingTimeInterval(TimeInterval(m.window)) {
                m.waitingSince = since
                mappings[uuid] = m
                return schedulePoll(uuid, at: since.addingTimeInterval(TimeInterval(m.window)))
            }
            m.waitingSince = nil
            mappings[uuid] = m
        }
        let parallel = max(1, min(m.maximumConcurrency ?? 5, 1000))
        let mapping = m
        let deleted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<parallel {
                group.addTask { await self.processBatch(mapping, f, role: role, url: url) }
            }
            var total = 0
            for await n in group { total += n }
            return total
        }
        guard var current = mappings[uuid], current.enabled else { return }
        let at = dispatcher.clock.now
        let count = current.rounds?.at == at ? (current.rounds?.count ?? 0) + 1 : 1
        current.rounds = EventSourceMapping.Rounds(at: at, count: count)
        mappings[uuid] = current
        let again = deleted > 0 && count < Self.roundsPerInstant
        schedulePoll(uuid, at: again ? at : at.addingTimeInterval(Self.idlePoll))
    }

    /// Receives one batch, invokes the function with it, deletes what it handled. Returns how many were deleted.
    func processBatch(_ m: EventSourceMapping, _ f: Function, role: AWSClient, url: String) async -> Int {
        var messages: [Message] = []
        while messages.count < m.batchSize {
            let want = min(10, m.batchSize - messages.count)
            guard
                let got = try? await role.send(
                    SQSOperations.receiveMessage,
                    ReceiveMessageRequest(queueUrl: url, attributeNames: ["All"], messageAttributeNames: ["All"], maxNumberOfMessages: want)),
                let batch = got.messages, !batch.isEmpty
            else { break }
            messages += batch
            if batch.count < want { break }
        }
        guard !messages.isEmpty else { return 0 }
        var records: [(Message, JSONValue)] = messages.map { ($0, record($0, m)) }
        var deleted = 0
        // Messages no filter matches are deleted without invoking, as Lambda does.
        if !m.filters.isEmpty {
            let patterns = m.filters.compactMap { try? EventPattern($0) }
            let dropped = records.filter { r in !patterns.contains { $0.matches(Self.filterable(r.1)) } }
            records.removeAll { r in !patterns.contains { $0.matches(Self.filterable(r.1)) } }
            deleted += await delete(dropped.map(\.0), role: role, url: url)
        }
        guard !records.isEmpty else { return deleted }
        let event = JSONValue.object([("Records", .array(records.map(\.1)))])
        let batch = dispatcher.timeline.record(
            "batch", cause: nil, time: dispatcher.clock.now,
            details: [("queue", .string(m.queueArn)), ("mapping", .string(m.uuid)), ("messages", .int(records.count))])
        let result = await run(f, event: event, cause: batch)
        var outcome = result.failed ? "PROBLEM: Function call failed" : "OK"
        var done: [Message] = []
        if !result.failed {
            if m.reportFailures, let failures = Self.batchItemFailures(result.payload, ids: Set(records.compactMap { $0.0.messageId })) {
                done = records.map(\.0).filter { !failures.contains($0.messageId ?? "") }
            } else if m.reportFailures, Self.reportsFailures(result.payload) {
                // An answer naming an id outside the batch fails the whole batch.
                outcome = "PROBLEM: Function returned an invalid batch item failure"
            } else {
                done = records.map(\.0)
            }
        }
        if var current = mappings[m.uuid] {
            current.lastResult = outcome
            mappings[m.uuid] = current
        }
        return deleted + (await delete(done, role: role, url: url))
    }

    private func delete(_ messages: [Message], role: AWSClient, url: String) async -> Int {
        var n = 0
        for message in messages {
            guard let handle = message.receiptHandle else { continue }
            if (try? await role.send(SQSOperations.deleteMessage, DeleteMessageRequest(queueUrl: url, receiptHandle: handle))) != nil { n += 1 }
        }
        return n
    }

    /// AWS's SQS record.
    func record(_ message: Message, _ m: EventSourceMapping) -> JSONValue {
        let attributes = (message.attributes ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }
        let messageAttributes = (message.messageAttributes ?? [:]).sorted { $0.key < $1.key }.map { name, v -> (String, JSONValue) in
            var members: [(String, JSONValue)] = []
            if let s = v.stringValue { members.append(("stringValue", .string(s))) }
            if let b = v.binaryValue { members.append(("binaryValue", .string(b.base64EncodedString()))) }
            members += [("stringListValues", .array([])), ("binaryListValues", .array([])), ("dataType", .string(v.dataType))]
            return (name, .object(members))
        }
        return .object([
            ("messageId", .string(message.messageId ?? "")), ("receiptHandle", .string(message.receiptHandle ?? "")), ("body", .string(message.body ?? "")),
            ("attributes", .object(attributes)), ("messageAttributes", .object(messageAttributes)), ("md5OfBody", .string(message.md5OfBody ?? "")),
            ("eventSource", .string("aws:sqs")), ("eventSourceARN", .string(m.queueArn)), ("awsRegion", .string(m.function.region)),
        ])
    }

    /// What a filter sees: the record, with a JSON body as JSON.
    static func filterable(_ record: JSONValue) -> JSONValue {
        guard case .object(let members) = record else { return record }
        return .object(
            members.map { name, value in
                if name == "body", let text = value.stringValue, let json = try? JSONValue(parsing: Data(text.utf8)), case .object = json {
                    return (name, json)
                }
                return (name, value)
            })
    }

    static func reportsFailures(_ payload: Data) -> Bool {
        (try? JSONValue(parsing: payload))?["batchItemFailures"] != nil
    }

    /// The ids a `ReportBatchItemFailures` answer names, or nil when the answer is invalid
    /// (an id that is empty or not in the batch). No answer, or an empty list, means all succeeded.
    static func batchItemFailures(_ payload: Data, ids: Set<String>) -> Set<String>? {
        guard let answer = try? JSONValue(parsing: payload), let list = answer["batchItemFailures"] else { return [] }
        guard case .array(let items) = list else { return list == .null ? [] : nil }
        var failed: Set<String> = []
        for item in items {
            guard let id = item["itemIdentifier"]?.stringValue, ids.contains(id) else { return nil }
            failed.insert(id)
        }
        return failed
    }
}
