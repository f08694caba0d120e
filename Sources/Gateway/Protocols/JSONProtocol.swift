import CloudCafeCore
import Foundation
import HTTPTypes
import Hummingbird

/// awsJson 1.0/1.1 (EventBridge, CloudWatch Logs, SSM, SQS): `POST /`, the operation in
/// `X-Amz-Target: <prefix>.<Operation>`, JSON bodies, timestamps as epoch seconds,
/// errors as `{"__type": code, "message": …}`.
enum JSONCodec {
    static func contentType(_ version: String?) -> String { "application/x-amz-json-\(version ?? "1.1")" }

    static func error(_ error: any AWSServiceError, version: String? = "1.1") -> Response {
        let body = JSONValue.object([("__type", .string(error.errorCode)), ("message", .string(error.message))]).compact
        var response = Response.body(body, contentType: contentType(version), status: .init(code: error.httpStatus))
        if let code = error.queryCompatibleCode, let name = HTTPField.Name("x-amzn-query-error") {
            response.headers[name] = "\(code);\(error.isSenderFault ? "Sender" : "Receiver")"
        }
        return response
    }
}

/// The query protocol (SNS, IAM, STS): form-encoded `Action=…&Version=…` requests, XML answers.
enum QueryCodec {
    static func error(_ error: any AWSServiceError, requestID: String) -> Response {
        .body(
            XMLResponseEncoder.error(code: error.errorCode, message: error.message, senderFault: error.isSenderFault, requestID: requestID),
            contentType: "text/xml", status: .init(code: error.httpStatus))
    }

    /// `a=1&b=%2F` into a dictionary; `+` is a space, as in HTML forms.
    /// A key or value that does not decode (a bad `%` escape, or bytes that are not UTF-8) is
    /// kept as written. Read as bytes: through Substrings, a Publish's form was 32 K instructions.
    static func parseForm(_ text: String) -> [String: String] {
        var text = text
        return text.withUTF8 { bytes in
            var result: [String: String] = [:]
            result.reserveCapacity(8)
            var start = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.count
                if end > start {
                    let pair = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    if let eq = pair.firstIndex(of: UInt8(ascii: "=")) {
                        result[formText(UnsafeBufferPointer(rebasing: pair[..<eq]))] = formText(UnsafeBufferPointer(rebasing: pair[(eq + 1)...]))
                    } else {
                        result[formText(pair)] = ""
                    }
                }
                start = end + 1
            }
            return result
        }
    }

    private static func formText(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        PercentEncoding.decode(bytes: raw, plusAsSpace: true) ?? String(decoding: raw, as: UTF8.self)
    }
}

/// rest-json (Lambda, Scheduler): members bound to the path, query string, headers and a JSON body.
enum RestJSONCodec {
    static func error(_ error: any AWSServiceError) -> Response {
        let members = [("Type", JSONValue.string(error.isSenderFault ? "User" : "Service")), ("Message", .string(error.message))]
        let body = JSONValue.object(members + error.errorFields.map { ($0.0, JSONValue.string($0.1)) }).compact
        return .body(body, contentType: "application/json", status: .init(code: error.httpStatus), headers: [.amznErrorType: error.errorCode])
    }
}
