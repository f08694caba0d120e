import CloudCafeCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// How a protocol reads an input and writes an output or error; the operation tables are
/// shared, the codecs are one per protocol.
protocol WireCodec: Sendable {
    /// Decodes the operation's input from the request.
    func decode<T: Decodable>(_ type: T.Type) throws -> T
    /// Encodes a successful output.
    func encode<T: Encodable>(_ value: T, operation: String, status: HTTPResponse.Status) throws -> Response
}

/// One operation as the wire reaches it: decode, dispatch (IAM, then the service), encode.
struct WireOperation: Sendable {
    let name: String
    let run: @Sendable (_ codec: any WireCodec, _ caller: Caller, _ dispatcher: Dispatcher) async throws -> Response

    init(name: String, run: @escaping @Sendable (any WireCodec, Caller, Dispatcher) async throws -> Response) {
        self.name = name
        self.run = run
    }

    /// The wire form of a typed operation whose shapes carry AWS's member names.
    init<S: Sendable, I: Decodable & Sendable, O: Encodable & Sendable>(_ operation: CloudCafeCore.Operation<S, I, O>, status: HTTPResponse.Status = .ok) {
        self.init(name: operation.name) { codec, caller, dispatcher in
            let input = try codec.decode(I.self)
            let output = try await dispatcher.perform(operation, input, as: caller)
            return try codec.encode(output, operation: operation.name, status: status)
        }
    }
}

/// A service's operations by name.
struct OperationTable: Sendable {
    private var entries: [String: WireOperation] = [:]

    init(_ operations: [WireOperation]) {
        for op in operations { entries[op.name] = op }
    }

    subscript(name: String) -> WireOperation? { entries[name] }
}

/// A request that could not be decoded: AWS answers with a validation error.
struct WireError: AWSServiceError {
    let errorCode: String
    let message: String
    let httpStatus: Int

    static func missing(_ member: String, code: String = "ValidationException") -> Self {
        .init(
            errorCode: code,
            message: "1 validation error detected: Value null at '\(lowerFirst(member))' failed to satisfy constraint: Member must not be null", httpStatus: 400
        )
    }

    static func malformed(_ detail: String, code: String = "SerializationException") -> Self {
        .init(errorCode: code, message: detail, httpStatus: 400)
    }

    static func unknownOperation(_ name: String, code: String = "UnknownOperationException") -> Self {
        .init(errorCode: code, message: "CloudCafe does not implement \(name).", httpStatus: 400)
    }

    static func lowerFirst(_ s: String) -> String { s.prefix(1).lowercased() + s.dropFirst() }
}

/// Maps a Swift decoding failure to the member it concerns.
func describeDecodingFailure(_ error: any Error) -> (member: String, missing: Bool)? {
    switch error {
    case let e as QueryDecoder.Failure: return (e.member, e.missing)
    case DecodingError.keyNotFound(let key, _): return (key.stringValue, true)
    case DecodingError.valueNotFound(_, let ctx): return (ctx.codingPath.last?.stringValue ?? "?", true)
    case DecodingError.typeMismatch(_, let ctx): return (ctx.codingPath.last?.stringValue ?? "?", false)
    case DecodingError.dataCorrupted(let ctx): return (ctx.codingPath.last?.stringValue ?? "?", false)
    default: return nil
    }
}

extension Response {
    /// A response with a body and its content type.
    static func body(_ text: String, contentType: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
