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
        var credential: Substring?
        if let auth = authorization, auth.hasPrefix("AWS4-HMAC-SHA256"), let range = auth.range(of: "Credential=") {
            credential = auth[range.upperBound...].prefix { $0 != "," && $0 != " " }
        } else if let presigned = presignedCredential {
            credential = Substring(presigned)
        }
        guard let parts = credential?.split(separator: "/", omittingEmptySubsequences: false), parts.count == 5, parts[4] == "aws4_request",
            !parts[0].isEmpty, !parts[2].isEmpty, !parts[3].isEmpty
        else { return nil }
        self.init(accessKey: String(parts[0]), region: String(parts[2]), service: String(parts[3]))
    }

    init?(_ request: Request) {
        self.init(authorization: request.headers[.authorization], presignedCredential: request.uri.queryParameters.get("X-Amz-Credential"))
    }
}
