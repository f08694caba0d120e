import CloudCafeCore
import Foundation
import HTTPTypes
import Hummingbird

/// AWS JSON 1.1 (EventBridge, CloudWatch Logs, SSM): `POST /`, the operation in
/// `X-Amz-Target: <prefix>.<Operation>`, JSON bodies, timestamps as epoch seconds,
/// errors as `{"__type": code, "message": …}`.
struct JSONCodec: WireCodec {
    let body: Data

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(T.self, from: body.isEmpty ? Data("{}".utf8) : body)
    }

    func encode<T: Encodable>(_ value: T, operation: String, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return .body(String(decoding: try encoder.encode(value), as: UTF8.self), contentType: "application/x-amz-json-1.1", status: status)
    }

    static func error(_ error: any AWSServiceError) -> Response {
        let body = JSONValue.object([("__type", .string(error.errorCode)), ("message", .string(error.message))]).compact
        return .body(body, contentType: "application/x-amz-json-1.1", status: .init(code: error.httpStatus))
    }
}

/// The query protocol (SNS, IAM, STS): form-encoded `Action=…&Version=…` requests, XML answers.
struct QueryCodec: WireCodec {
    let parameters: [String: String]
    let namespace: String
    let requestID: String

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try QueryDecoder().decode(T.self, from: parameters) }

    func encode<T: Encodable>(_ value: T, operation: String, status: HTTPResponse.Status) throws -> Response {
        .body(
            try XMLResponseEncoder().response(value, operation: operation, namespace: namespace, requestID: requestID), contentType: "text/xml", status: status)
    }

    static func error(_ error: any AWSServiceError, requestID: String) -> Response {
        .body(
            XMLResponseEncoder.error(code: error.errorCode, message: error.message, senderFault: error.isSenderFault, requestID: requestID),
            contentType: "text/xml", status: .init(code: error.httpStatus))
    }

    /// `a=1&b=%2F` into a dictionary; `+` is a space, as in HTML forms.
    static func parseForm(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }
}

/// rest-json (Lambda): members bound to the path, headers and a JSON body.
struct RestJSONCodec: WireCodec {
    /// The JSON body with the path and header members merged in.
    let members: JSONValue

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(T.self, from: members.data)
    }

    func encode<T: Encodable>(_ value: T, operation: String, status: HTTPResponse.Status) throws -> Response {
        // 204 answers carry no body.
        guard status != .noContent else { return Response(status: status) }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return .body(String(decoding: try encoder.encode(value), as: UTF8.self), contentType: "application/json", status: status)
    }

    static func error(_ error: any AWSServiceError) -> Response {
        let body = JSONValue.object([("Type", .string(error.isSenderFault ? "User" : "Service")), ("Message", .string(error.message))]).compact
        return .body(body, contentType: "application/json", status: .init(code: error.httpStatus), headers: [.amznErrorType: error.errorCode])
    }
}
