import CafeReport
import CloudCafeCore
import Engine
import EventBridge
import Foundation
import HTTPTypes
import Hummingbird
import IAM
import Lambda
import LambdaAPI
import NIOCore
import SNS

/// The admin API under `/_cloudcafe/`: the clock, the outbox, logs, invoke and reset.
/// The `cloudcafe` CLI and test suites in any language use it.
struct AdminAPI {
    let engine: CloudCafeEngine
    var adminToken: String?

    func register(on router: Router<GatewayRequestContext>) {
        let admin = router.group("/_cloudcafe")
        if let adminToken { admin.add(middleware: AdminTokenMiddleware(token: adminToken)) }
        admin.get("health") { _, _ in
            Self.json(
                .object([("status", .string("ok")), ("version", .string(CloudCafeVersion.current)), ("now", .string(TimeText.iso8601(engine.clock.now)))]))
        }
        admin.get("clock") { _, _ in clockState(report: nil) }
        admin.post("clock") { request, _ in try await moveClock(request) }
        admin.get("outbox") { request, _ in
            // Filters: `to` (the recipient), `subject` (contained), `since`/`until` (ISO instants).
            let q = request.uri.queryParameters
            let to = q.get("to").map { String($0) }
            let subject = q.get("subject").map { String($0) }
            let since = q.get("since").flatMap { TimeText.instant(String($0)) }
            let until = q.get("until").flatMap { TimeText.instant(String($0)) }
            let chosen = engine.outbox.list().filter { e in
                (to == nil || e.to == to) && (subject == nil || e.subject.contains(subject ?? "")) && (since == nil || e.time >= since ?? e.time)
                    && (until == nil || e.time <= until ?? e.time)
            }
            return Self.json(
                .array(
                    chosen.map { e in
                        .object([
                            ("file", .string(e.file)), ("to", .string(e.to)), ("subject", .string(e.subject)), ("time", .string(TimeText.iso8601(e.time))),
                        ])
                    }))
        }
        admin.get("outbox/:name") { request, context in
            let name = context.parameters.get("name") ?? ""
            let file = name == "latest" ? engine.outbox.list().last?.file : name
            if request.uri.queryParameters.get("format") == "json", let file { return decodedEmail(file) }
            guard let file, let text = engine.outbox.read(file) else { return Self.error(.notFound, "no message \(name) in the outbox") }
            return Response(status: .ok, headers: [.contentType: "message/rfc822", .cloudcafeFile: file], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        admin.post("reset") { request, _ in
            // `{"clock": ISO}` puts the clock there; without it, back where the daemon started.
            let body = try await Self.body(request)
            var instant: Date?
            if let text = body["clock"] {
                guard let t = text.stringValue.flatMap(TimeText.instant) else {
                    return Self.error(.badRequest, "clock must be an ISO 8601 instant such as 2026-11-27T19:59:00Z")
                }
                guard abs(t.timeIntervalSince(engine.startedAt)) <= TimeText.maximumMove else {
                    return Self.error(.badRequest, "the clock moves at most 200 years at a time")
                }
                instant = t
            }
            try await engine.reset(clock: instant)
            return Self.json(.object([("status", .string("reset")), ("now", .string(TimeText.iso8601(engine.clock.now)))]))
        }
        admin.get("state") { _, _ in
            Self.json(
                .object([
                    (
                        "snapshots",
                        .array(
                            engine.snapshotList.map { s in
                                .object([("name", .string(s.name)), ("time", .string(TimeText.iso8601(s.time))), ("saved", .string(TimeText.iso8601(s.saved)))])
                            })
                    )
                ]))
        }
        admin.post("state/save") { request, _ in try await snapshot(request, load: false) }
        admin.get("state/export") { request, _ in
            let name = request.uri.queryParameters.get("name").map { String($0) } ?? ""
            do {
                let data = try engine.exportSnapshot(name)
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
            } catch let e as SnapshotError {
                return Self.error(.notFound, e.description)
            }
        }
        admin.post("state/import") { request, _ in
            let body = try await request.body.collect(upTo: Self.snapshotLimit)
            do {
                let name = try engine.importSnapshot(Data(body.readableBytesView), name: request.uri.queryParameters.get("name").map { String($0) })
                return Self.json(.object([("name", .string(name)), ("status", .string("imported"))]))
            } catch let e as SnapshotError {
                return Self.error(.badRequest, e.description)
            }
        }
        admin.post("state/load") { request, _ in try await snapshot(request, load: true) }
        admin.post("orders") { request, _ in try await placeOrder(request) }
        admin.post("orders/generate") { request, _ in try await generateOrders(request) }
        admin.post("invoke/:function") { request, context in try await invoke(request, function: context.parameters.get("function") ?? "") }
        admin.post("functions/:function/runtime") { request, context in
            try await chooseRuntime(request, function: context.parameters.get("function") ?? "")
        }
        admin.get("logs") { request, _ in try await logs(group: request.uri.queryParameters.get("group") ?? "") }
        admin.get("timeline") { request, _ in timeline(request) }
        registerConsole(on: admin)
        admin.get("timeline/stream") { request, _ in timelineStream(after: request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int($0) } ?? -1) }
        admin.get("lambda/:region/functions/:name/code.zip") { _, context in
            let zip = await engine.lambda.codeArchive(
                region: context.parameters.get("region") ?? "", function: context.parameters.get("name"), layer: nil, version: nil)
            return Self.zip(zip)
        }
        admin.get("lambda/:region/layers/:name/:version/content.zip") { _, context in
            let zip = await engine.lambda.codeArchive(
                region: context.parameters.get("region") ?? "", function: nil, layer: context.parameters.get("name"),
                version: context.parameters.get("version").flatMap(Int.init))
            return Self.zip(zip)
        }
        admin.get("iam/decisions") { request, _ in
            let onlyDenied = request.uri.queryParameters.get("denied") == "true"
            let limit = request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 20
            let records = engine.authorizer.decisions.filter { !onlyDenied || !$0.evaluation.allowed }.suffix(max(1, min(limit, 200)))
            return Self.json(
                .object([
                    ("mode", .string(engine.authorizer.mode.rawValue)),
                    (
                        "decisions",
                        .array(
                            records.map { r in
                                .object([
                                    ("time", .string(TimeText.iso8601(r.time))), ("principal", .string(r.principal)), ("action", .string(r.action)),
                                    ("resource", .string(r.resource)), ("decision", .string(r.evaluation.decision.rawValue)),
                                    ("explanation", .string(IAMAuthorizer.explain(r))),
                                    (
                                        "matched",
                                        .array(
                                            r.evaluation.matched.map { m in
                                                .object([
                                                    ("policy", .string(m.policy)), ("sid", m.sid.map(JSONValue.string) ?? .null),
                                                    ("effect", .string(m.effect.rawValue)),
                                                ])
                                            })
                                    ),
                                ])
                            })
                    ),
                ]))
        }
        admin.get("schedules/:name/next") { request, context in
            let name = context.parameters.get("name") ?? ""
            let group = request.uri.queryParameters.get("group").map { String($0) } ?? "default"
            let count = request.uri.queryParameters.get("count").flatMap(Int.init) ?? 5
            guard
                let times = await engine.schedules.upcoming(
                    name: name, group: group, region: engine.configuration.region, after: engine.clock.now, count: min(max(count, 1), 1000))
            else { return Self.error(.notFound, "Schedule \(name) does not exist.") }
            return Self.json(.object([("schedule", .string(name)), ("times", .array(times.map { .string(TimeText.iso8601($0)) }))]))
        }
        admin.get("rules/:name/next") { request, context in
            let name = context.parameters.get("name") ?? ""
            let count = request.uri.queryParameters.get("count").flatMap(Int.init) ?? 5
            guard
                let times = await engine.events.upcoming(
                    rule: name, region: engine.configuration.region, account: engine.configuration.account, after: engine.clock.now,
                    count: min(max(count, 1), 1000))
            else { return Self.error(.notFound, "Rule \(name) does not exist.") }
            return Self.json(.object([("rule", .string(name)), ("times", .array(times.map { .string(TimeText.iso8601($0)) }))]))
        }
    }

    /// A move answers at most this many firings, and counts them all (`firedCount`).
    static let firedShown = 1000

    func clockState(report: Agenda.Report?, since mark: Int? = nil) -> Response {
        var members: [(String, JSONValue)] = [("now", .string(TimeText.iso8601(engine.clock.now))), ("rate", .number(Self.number(engine.clock.rate)))]
        if let report {
            let outcomes = mark.map(outcomes(since:)) ?? [:]
            members.append(
                (
                    "fired",
                    .array(
                        report.fired.map { f in
                            var entry: [(String, JSONValue)] = [("rule", .string(f.rule)), ("time", .string(TimeText.iso8601(f.time)))]
                            if f.kind != "rule" { entry.append(("kind", .string(f.kind))) }
                            entry += outcomes["\(f.rule)|\(TimeText.iso8601(f.time))"] ?? []
                            return .object(entry)
                        })
                ))
            members.append(("firedCount", .int(report.count)))
        }
        return Self.json(.object(members))
    }

    /// `{"advance": "PT2M"}`, `{"set": ISO8601}`, `{"toNext": true}` and/or `{"rate": R}`.
    func moveClock(_ request: Request) async throws -> Response {
        let body = try await Self.body(request)
        // Everything is checked before anything moves.
        var newRate: Double?
        if let rate = body["rate"] {
            guard case .number(let text) = rate, let r = Double(text), r >= 0, r <= VirtualClock.maximumRate else {
                return Self.error(.badRequest, "rate must be a number from 0 to \(Int(VirtualClock.maximumRate))")
            }
            newRate = r
        }
        var target: Date?
        if let advance = body["advance"] {
            guard let text = advance.stringValue, let seconds = TimeText.duration(text) else {
                return Self.error(.badRequest, "advance must be a duration such as PT2M, 90s, 2m, 3h, 1d or 1w")
            }
            target = engine.clock.now.addingTimeInterval(seconds)
        } else if let set = body["set"] {
            guard let text = set.stringValue, let instant = TimeText.instant(text) else {
                return Self.error(.badRequest, "set must be an ISO 8601 instant such as 2026-11-28T19:59:00Z")
            }
            guard abs(instant.timeIntervalSince(engine.clock.now)) <= TimeText.maximumMove else {
                return Self.error(.badRequest, "the clock moves at most 200 years at a time")
            }
            target = instant
        } else if body["toNext"] == .bool(true) {
            guard let next = engine.agenda.nextDue else {
                return Self.error(.badRequest, "nothing is scheduled")
            }
            target = next
        }
        var report: Agenda.Report?
        let mark = engine.dispatcher.timeline.lastSequence
        if let target { report = await engine.agenda.move(to: target, keeping: Self.firedShown) }
        if let newRate { engine.agenda.setRate(newRate) }
        // With --state-dir, the clock where it now is and what is due are written.
        await engine.persist([])
        return clockState(report: report ?? Agenda.Report(), since: mark)
    }

    /// What each firing of a move led to, from the timeline: the invocations and how they
    /// ended, retries, and the emails written.
    func outcomes(since mark: Int) -> [String: [(String, JSONValue)]] {
        let made = engine.dispatcher.timeline.entries(after: mark, limit: .max).entries
        var firings: [String: String] = [:]  // firing entry id → "rule|time"
        for e in made where e.kind == "firing" {
            firings[e.id] = "\((e["rule"] ?? e["schedule"])?.stringValue ?? "")|\(TimeText.iso8601(e.time))"
        }
        var invocations: [String: [JSONValue]] = [:]
        var retries: [String: Int] = [:]
        var emails: [String: Int] = [:]
        for e in made {
            guard let key = firings[e.root] else { continue }
            switch e.kind {
            case "invocation":
                var members: [(String, JSONValue)] = [("function", e["function"] ?? .null), ("result", e["result"] ?? .string("running"))]
                if let attempt = e["attempt"] { members.append(("attempt", attempt)) }
                invocations[key, default: []].append(.object(members))
            case "retry": retries[key, default: 0] += 1
            case "delivery" where e["file"] != nil: emails[key, default: 0] += 1
            default: break
            }
        }
        var out: [String: [(String, JSONValue)]] = [:]
        for key in Set(firings.values) {
            out[key] = [("invocations", .array(invocations[key] ?? [])), ("retries", .int(retries[key] ?? 0)), ("emails", .int(emails[key] ?? 0))]
        }
        return out
    }

    func invoke(_ request: Request, function: String) async throws -> Response {
        let payload = try await request.body.collect(upTo: Lambda.syncPayloadLimitForAdmin)
        do {
            let out = try await engine.client().send(
                LambdaOperations.invoke, InvocationRequest(functionName: function, payload: Data(payload.readableBytesView)))
            var members: [(String, JSONValue)] = [("StatusCode", .int(out.statusCode ?? 200))]
            if let e = out.functionError { members.append(("FunctionError", .string(e))) }
            members.append(("Payload", .string(String(decoding: out.payload ?? Data(), as: UTF8.self))))
            return Self.json(.object(members))
        } catch let e as AWSClientError {
            return Self.json(.object([("error", .string(e.error.errorCode)), ("message", .string(e.error.message))]), status: .init(code: e.error.httpStatus))
        }
    }

    /// The largest snapshot file an import reads (functions' code included).
    static let snapshotLimit = 512 << 20

    /// `{"name": …}`: takes the snapshot, or loads it.
    func snapshot(_ request: Request, load: Bool) async throws -> Response {
        guard let name = try await Self.body(request)["name"]?.stringValue else { return Self.error(.badRequest, #"the body must be {"name": "…"}"#) }
        let started = MachineClock.now
        do {
            if load { try await engine.loadSnapshot(name) } else { try await engine.saveSnapshot(name) }
        } catch let e as SnapshotError {
            return Self.error(load ? .notFound : .badRequest, e.description)
        }
        let ms = MachineClock.seconds(MachineClock.elapsed(since: started)) * 1000
        return Self.json(
            .object([
                ("name", .string(name)), ("status", .string(load ? "loaded" : "saved")), ("now", .string(TimeText.iso8601(engine.clock.now))),
                ("milliseconds", .number(Digits.twoDecimals(ms))),
            ]))
    }

    /// Places one café order in the daemon's cafe_db: `{"at": "2026-11-27T14:05:00", "items": ["Croissant=1", "Latte=2"]}`.
    func placeOrder(_ request: Request) async throws -> Response {
        let body = try await Self.body(request)
        guard let at = body["at"]?.stringValue, case .array(let items)? = body["items"] else {
            return Self.error(.badRequest, #"the body must be {"at": "2026-11-27T14:05:00", "items": ["Croissant=1", "Latte=2"]}"#)
        }
        do {
            let time = try OrderText.time(at)
            let lines = try OrderText.lines(items.compactMap(\.stringValue), menu: try engine.cafeDatabase.products())
            let numbers = try engine.cafeDatabase.place([CafeDatabase.NewOrder(time: time, lines: lines)])
            return Self.json(.object([("order", .int(numbers[0])), ("at", .string(time.description))]))
        } catch let e as OrderText.Invalid {
            return Self.error(.badRequest, e.description)
        }
    }

    /// Fills days of generated traffic: `{"from": "2026-11-01", "days": 30, "seed": 42}`.
    func generateOrders(_ request: Request) async throws -> Response {
        let body = try await Self.body(request)
        guard let from = body["from"]?.stringValue.flatMap(LocalDay.init) else { return Self.error(.badRequest, "from must look like 2026-11-01") }
        let days = body["days"]?.intValue ?? 30
        guard (1...36_500).contains(days) else { return Self.error(.badRequest, "days must be 1-36500") }
        let orders = OrderGenerator(seed: UInt64(max(0, body["seed"]?.intValue ?? 42))).orders(from: from, days: days)
        try engine.cafeDatabase.place(orders)
        return Self.json(.object([("orders", .int(orders.count)), ("from", .string(from.description)), ("days", .int(days))]))
    }

    /// Which code a function runs: `{"runtime": "code"}` or `"builtin"`, kept as the function's
    /// `cloudcafe:runtime` tag (what `aws lambda tag-resource` sets too).
    func chooseRuntime(_ request: Request, function: String) async throws -> Response {
        let body = try await request.body.collect(upTo: 4096)
        guard let runtime = (try? JSONValue(parsing: Data(body.readableBytesView)))?["runtime"]?.stringValue, ["code", "builtin"].contains(runtime) else {
            return Self.error(.badRequest, "the body must be {\"runtime\": \"code\"} or {\"runtime\": \"builtin\"}")
        }
        let client = engine.client()
        do {
            let f = try await client.send(LambdaOperations.getFunction, GetFunctionRequest(functionName: function))
            let arn = f.configuration?.functionArn ?? function
            _ = try await client.send(LambdaOperations.tagResource, TagResourceRequest(resource: arn, tags: ["cloudcafe:runtime": runtime]))
            return Self.json(.object([("function", .string(f.configuration?.functionName ?? function)), ("runtime", .string(runtime))]))
        } catch let e as AWSClientError {
            return Self.json(.object([("error", .string(e.error.errorCode)), ("message", .string(e.error.message))]), status: .init(code: e.error.httpStatus))
        }
    }

    /// The timeline, oldest first: `{"entries": [...], "nextToken": ...}`, filtered by
    /// `since`/`until` (ISO instants), `function` and `rule` (an entry belongs to the rule
    /// or schedule that started its chain, and to the function it ran in).
    func timeline(_ request: Request) -> Response {
        let q = request.uri.queryParameters
        let since = q.get("since").flatMap { TimeText.instant(String($0)) }
        let until = q.get("until").flatMap { TimeText.instant(String($0)) }
        for (name, text, value) in [("since", q.get("since"), since), ("until", q.get("until"), until)] where text != nil && value == nil {
            return Self.error(.badRequest, "\(name) must be an ISO 8601 instant, such as 2026-11-27T20:00:00Z")
        }
        let text = { (name: String) -> String? in q.get(name).map { String($0) } }
        guard let after = Int(text("nextToken") ?? "0"), after >= 0 else { return Self.error(.badRequest, "nextToken is not valid") }
        let limit = min(max(Int(text("limit") ?? "1000") ?? 1000, 1), 10_000)
        let page = engine.dispatcher.timeline.entries(
            after: after, since: since, until: until, function: text("function"), rule: text("rule"), limit: limit)
        var members: [(String, JSONValue)] = [("entries", .array(page.entries.map { $0.json }))]
        if let next = page.next { members.append(("nextToken", .string(String(next)))) }
        return Self.json(.object(members))
    }

    /// Timeline entries as server-sent events (`id` is the entry's sequence), as they happen.
    /// A stream ends after a few seconds so that a stopping daemon never waits on a console;
    /// the browser reconnects with `Last-Event-ID` and gets what it missed first.
    func timelineStream(after last: Int) -> Response {
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        let timeline = engine.dispatcher.timeline
        let event: @Sendable (TimelineEntry) -> ByteBuffer = { entry in ByteBuffer(string: "id: \(entry.sequence)\ndata: \(entry.json.compact)\n\n") }
        let listener = timeline.addListener { continuation.yield(event($0)) }
        let closer = Task {
            try? await Task.sleep(for: .seconds(10))
            continuation.finish()
        }
        // A console that goes away early takes its listener and its timer with it.
        continuation.onTermination = { _ in
            timeline.removeListener(listener)
            closer.cancel()
        }
        continuation.yield(ByteBuffer(string: "retry: 300\n\n"))
        if last >= 0 {
            for entry in timeline.entries(after: last, limit: 1000).entries { continuation.yield(event(entry)) }
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: ResponseBody(asyncSequence: stream))
    }

    /// Every event of a log group, across its streams, in time order.
    func logs(group: String) async throws -> Response {
        do {
            let events = try await engine.logEvents(group: group)
            return Self.json(
                .object([
                    (
                        "events",
                        .array(
                            events.map { e in
                                .object([("stream", .string(e.stream)), ("timestamp", .int(e.timestamp)), ("message", .string(e.message))])
                            })
                    )
                ]))
        } catch let e as AWSClientError {
            return Self.error(.notFound, e.error.message)
        }
    }

    // MARK: - Helpers

    static func body(_ request: Request) async throws -> JSONValue {
        let buffer = try await request.body.collect(upTo: 1_048_576)
        guard buffer.readableBytes > 0 else { return .object([]) }
        guard let value = try? JSONValue(parsing: Data(buffer.readableBytesView)) else {
            throw HTTPError(.badRequest, message: "the body is not JSON")
        }
        return value
    }

    static func zip(_ data: Data?) -> Response {
        guard let data else { return error(.notFound, "no such code archive") }
        return Response(status: .ok, headers: [.contentType: "application/zip"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: value.compact)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(.object([("error", .string(message))]), status: status)
    }

    static func number(_ d: Double) -> String {
        d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }
}

extension Lambda {
    /// The largest payload the admin invoke accepts: Lambda's synchronous limit plus slack, so
    /// Lambda itself answers RequestTooLargeException.
    static let syncPayloadLimitForAdmin = 6_291_456 + 1
}
