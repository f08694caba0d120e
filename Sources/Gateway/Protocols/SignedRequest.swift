import Foundation
import HTTPTypes
import Hummingbird

/// What the signature of a request says before anything is decoded: the access key, and the
/// service and region of its credential scope (`Credential=AKID/20261127/us-east-1/sns/aws4_request`).
/// Presigned URLs carry the same in `X-Amz-Credential`.
struct SignedRequest: Sendable, Equatable {
    let accessKey: String
    let region: String
    let service: String

    init(accessKey: String, region: String, service: String) {
        self.accessKey = accessKey
        self.region = region
        self.service = service
    }

    /// Reads the scope from the `Authorization` header or the presigned query; nil when unsigned.
    init?(authorization: String?, presignedCredential: String?) {
        // On every request: read as bytes, without Foundation's string search.
        let credential: Substring.UTF8View
        if let auth = authorization, auth.utf8.starts(with: "AWS4-HMAC-SHA256".utf8), let scope = Self.credential(in: auth) {
            credential = scope
        } else if let presigned = presignedCredential {
            credential = Substring(presigned).utf8
        } else {
            return nil
        }
        let parts = credential.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 5, parts[4].elementsEqual("aws4_request".utf8), !parts[0].isEmpty, !parts[2].isEmpty, !parts[3].isEmpty,
            let accessKey = String(parts[0]), let region = String(parts[2]), let service = String(parts[3])
        else { return nil }
        self.init(accessKey: accessKey, region: region, service: service)
    }

    /// The value of `Credential=` in an Authorization header, up to the next `,` or space.
    private static func credential(in header: String) -> Substring.UTF8View? {
        let bytes = Substring(header).utf8
        let key = "Credential=".utf8
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "C"), bytes[i...].starts(with: key) {
                let start = bytes.index(i, offsetBy: key.count)
                let end = bytes[start...].firstIndex { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: " ") } ?? bytes.endIndex
                return bytes[start..<end]
            }
            i = bytes.index(after: i)
        }
        return nil
    }

    init?(_ request: Request) {
        self.init(authorization: request.headers.single(.authorization), presignedCredential: request.uri.queryParameters.get("X-Amz-Credential"))
    }
}
