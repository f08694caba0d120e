import CloudCafeCore
import Engine
import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Sends raw requests through the Gateway's protocol layer (no socket) and reads the bytes
/// it answers, as a protocol test suite does.
struct Wire {
    let engine: CloudCafeEngine
    let protocols: AWSProtocols

    init() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cloudcafe-gw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var config = EngineConfiguration()
        config.outboxDirectory = dir.appendingPathComponent("outbox")
        config.cafeDatabasePath = dir.appendingPathComponent("cafe_db.sqlite").path
        config.startTime = TimeText.instant("2026-11-27T19:59:00Z")
        config.clockRate = 0
        config.seed = 42
        config.stack = nil
        engine = try CloudCafeEngine(config)
        protocols = AWSProtocols(engine: engine)
    }

    struct Answer {
        let status: Int
        let headers: HTTPFields
        let body: String
        var requestID: String { headers[.requestID] ?? "" }
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
    }

    /// A request signed (as far as the Gateway reads it) for `service` in us-east-1.
    func send(
        _ method: HTTPRequest.Method = .post, _ path: String = "/", service: String, headers: [String: String] = [:], body: String = ""
    ) async throws -> Answer {
        var fields = HTTPFields()
        fields[.authorization] =
            "AWS4-HMAC-SHA256 Credential=test/20261127/us-east-1/\(service)/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
        for (name, value) in headers { if let n = HTTPField.Name(name) { fields[n] = value } }
        let request = Request(
            head: HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1:4566", path: path, headerFields: fields),
            body: RequestBody(buffer: ByteBuffer(string: body)))
        let response = await protocols.handle(request, sourceIP: "127.0.0.1")
        let collector = Collector()
        try await response.body.write(collector)
        return Answer(status: response.status.code, headers: response.headers, body: collector.text)
    }
}

/// Collects a response body's bytes.
final class Collector: ResponseBodyWriter, Sendable {
    private let bytes = Mutex<[UInt8]>([])
    func write(_ buffer: ByteBuffer) async throws { bytes.withLock { $0 += buffer.readableBytesView } }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
    var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }
}
