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
    /// The query is read only when the header does not give a scope.
    init?(authorization: String?, presignedCredential: @autoclosure () -> String?) {
        // On every request: read as bytes, without Foundation's string search or Substring indices.
        if var auth = authorization, auth.utf8.starts(with: "AWS4-HMAC-SHA256".utf8),
            let found = auth.withUTF8({ buffer in Self.credential(in: buffer).map { Self.scope(buffer[$0]) } })
        {
            guard let (accessKey, region, service) = found else { return nil }
            self.init(accessKey: accessKey, region: region, service: service)
        } else if var presigned = presignedCredential() {
            guard let (accessKey, region, service) = presigned.withUTF8({ Self.scope($0[...]) }) else { return nil }
            self.init(accessKey: accessKey, region: region, service: service)
        } else {
            return nil
        }
    }

    /// `AKID/20261127/us-east-1/sns/aws4_request` as its access key, region and service.
    private static func scope(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> (String, String, String)? {
        let parts = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 5, parts[4].elementsEqual("aws4_request".utf8), !parts[0].isEmpty, !parts[2].isEmpty, !parts[3].isEmpty else { return nil }
        let text = { (part: Slice<UnsafeBufferPointer<UInt8>>) in String(decoding: UnsafeBufferPointer(rebasing: part), as: UTF8.self) }
        return (text(parts[0]), text(parts[2]), text(parts[3]))
    }

    private static let credentialKey = Array("Credential=".utf8)

    /// Where the value of `Credential=` is in an Authorization header: up to the next `,` or space.
    private static func credential(in header: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let key = credentialKey
        var i = 0
        while i + key.count <= header.count {
            if header[i] == UInt8(ascii: "C"), header[i..<(i + key.count)].elementsEqual(key) {
                let start = i + key.count
                let end = header[start...].firstIndex { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: " ") } ?? header.count
                return start..<end
            }
            i += 1
        }
        return nil
    }

    init?(_ request: Request) {
        self.init(authorization: request.headers.single(.authorization), presignedCredential: request.uri.queryParameters.get("X-Amz-Credential"))
    }
}
