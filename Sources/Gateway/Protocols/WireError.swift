import CloudCafeCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A request that could not be decoded: AWS answers with a validation error.
struct WireError: AWSServiceError {
    let errorCode: String
    let message: String
    let httpStatus: Int

    static func missing(_ member: String, code: String = "ValidationException") -> Self {
        .init(errorCode: code, message: ConstraintViolation.message([.notNull(lowerFirst(member))]), httpStatus: 400)
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
    case DecodingError.keyNotFound(let key, _): return (key.stringValue, true)
    case DecodingError.valueNotFound(_, let ctx): return (ctx.codingPath.last?.stringValue ?? "?", true)
    case DecodingError.typeMismatch(_, let ctx): return (ctx.codingPath.last?.stringValue ?? "?", false)
    case DecodingError.dataCorrupted(let ctx): return (ctx.codingPath.last?.stringValue ?? "?", false)
    default: return nil
    }
}

extension Response {
    /// A JSON answer written straight into the body's bytes (not through a String, which
    /// would check the UTF-8 it was just given and copy it once more).
    static func body(json value: JSONValue, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(json: value)))
    }

    /// A response with a body and its content type.
    static func body(_ text: String, contentType: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension ByteBuffer {
    /// `value` as compact JSON.
    init(json value: JSONValue) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)  // most answers fit: no regrowing as it is written
        value.writeCompact(to: &bytes)
        self.init(bytes: bytes)
    }
}
