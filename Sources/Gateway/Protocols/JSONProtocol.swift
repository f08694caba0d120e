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
    static func parseForm(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.pieces("&") {
            let parts = pair.pieces("=", omittingEmpty: false, maxSplits: 1)
            let decode = { (s: Substring) in PercentEncoding.decode(s, plusAsSpace: true) ?? String(s) }
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
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
