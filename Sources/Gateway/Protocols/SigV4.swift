import CloudCafeCore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// SigV4 verification for `serve --strict-auth`: recomputes the signature of a request
/// (Authorization header or presigned query) from the secret of its access key.
struct SigV4Verifier {
    /// The parts of a signature as the request carries them.
    struct Signature {
        let accessKey: String
        let date: String
        let region: String
        let service: String
        let signedHeaders: [String]
        let signature: String
        let amzDate: String
        let presigned: Bool
        let expires: Int?
    }

    /// Why a signature is refused; the Gateway maps each to the service's AWS error.
    enum Failure: Error, Equatable {
        case missing
        case unknownKey
        case mismatch
        case expired(String)
        case tokenExpired
    }

    /// Reads the signature fields from the header or the query.
    static func signature(of request: Request) -> Signature? {
        if let auth = request.headers.single(.authorization), auth.hasPrefix("AWS4-HMAC-SHA256 ") {
            var fields: [String: String] = [:]
            for part in auth.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
                let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
            }
            let scope = (fields["Credential"] ?? "").split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard scope.count == 5, let signed = fields["SignedHeaders"], let sig = fields["Signature"] else { return nil }
            let amzDate = request.headers.single(.amzDate) ?? ""
            return Signature(
                accessKey: scope[0], date: scope[1], region: scope[2], service: scope[3], signedHeaders: signed.split(separator: ";").map(String.init),
                signature: sig, amzDate: amzDate, presigned: false, expires: nil)
        }
        let q = request.uri.queryParameters
        guard q.get("X-Amz-Algorithm") == "AWS4-HMAC-SHA256", let credential = q.get("X-Amz-Credential").map({ String($0) }),
            let sig = q.get("X-Amz-Signature").map({ String($0) }), let signed = q.get("X-Amz-SignedHeaders").map({ String($0) })
        else { return nil }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5 else { return nil }
        return Signature(
            accessKey: scope[0], date: scope[1], region: scope[2], service: scope[3], signedHeaders: signed.split(separator: ";").map(String.init),
            signature: sig, amzDate: q.get("X-Amz-Date").map({ String($0) }) ?? "", presigned: true, expires: q.get("X-Amz-Expires").flatMap { Int($0) })
    }

    /// Checks `request` against `secret`; the signing time must be close to one of `now` (the
    /// machine's clock, and the virtual clock that functions' own code sees).
    static func verify(_ request: Request, body: Data, signature s: Signature, secret: String, now: [Date]) throws(Failure) {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        guard let signedAt = f.date(from: s.amzDate) else { throw .mismatch }
        if s.presigned {
            if !now.contains(where: { $0.timeIntervalSince(signedAt) <= Double(s.expires ?? 900) }) { throw .expired(s.amzDate) }
        } else if !now.contains(where: { abs($0.timeIntervalSince(signedAt)) <= 900 }) {
            throw .expired(s.amzDate)
        }
        var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        for part in [s.date, s.region, s.service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let scope = "\(s.date)/\(s.region)/\(s.service)/aws4_request"
        // The signature covers the body actually received: its hash, never what a header claims
        // it is. A presigned URL signs either the (empty) body's hash or UNSIGNED-PAYLOAD, by signer.
        let bodyHash = hex(SHA256.hash(data: body))
        let payloads = s.presigned ? [bodyHash, "UNSIGNED-PAYLOAD"] : [bodyHash]
        // botocore presigns query-protocol operations with their model's method (POST) though
        // the URL is then fetched with GET; AWS accepts either, and so does CloudCafe.
        let methods = s.presigned ? [request.method.rawValue, request.method == .get ? "POST" : "GET"] : [request.method.rawValue]
        for payload in payloads {
            for method in methods {
                let canonical = canonicalRequest(request, method: method, body: body, signature: s, payload: payload)
                let toSign = "AWS4-HMAC-SHA256\n\(s.amzDate)\n\(scope)\n\(hex(SHA256.hash(data: Data(canonical.utf8))))"
                if hex(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: key)) == s.signature { return }
            }
        }
        throw .mismatch
    }

    static func canonicalRequest(_ request: Request, method: String, body: Data, signature s: Signature, payload fixedPayload: String?) -> String {
        let path = request.uri.path.isEmpty ? "/" : request.uri.path
        let canonicalURI = encode(path, keepSlash: true)
        let query = (request.uri.query ?? "").pieces("&").compactMap { pair -> (String, String)? in
            let kv = pair.pieces("=", omittingEmpty: false, maxSplits: 1)
            let key = PercentEncoding.decode(kv[0]) ?? String(kv[0])
            if s.presigned && key == "X-Amz-Signature" { return nil }
            let value = kv.count > 1 ? (PercentEncoding.decode(kv[1], plusAsSpace: true) ?? String(kv[1])) : ""
            return (encode(key, keepSlash: false), encode(value, keepSlash: false))
        }
        .sorted { $0 < $1 }
        .map { "\($0.0)=\($0.1)" }
        .joined(separator: "&")
        var headers = ""
        for name in s.signedHeaders {
            let values = request.headers[values: HTTPField.Name(name) ?? .contentType].map {
                $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            }
            let value = name == "host" ? (request.head.authority ?? request.headers[values: .host].first ?? "") : values.joined(separator: ",")
            headers += "\(name):\(value.trimmingCharacters(in: .whitespaces))\n"
        }
        let payload = fixedPayload ?? request.headers[.amzContentSHA256] ?? hex(SHA256.hash(data: body))
        return "\(method)\n\(canonicalURI)\n\(query)\n\(headers)\n\(s.signedHeaders.joined(separator: ";"))\n\(payload)"
    }

    /// RFC 3986 encoding, as SigV4 requires.
    static func encode(_ text: String, keepSlash: Bool) -> String { PercentEncoding.encode(text, keeping: keepSlash ? "/" : "") }

    static func hex(_ digest: some Sequence<UInt8>) -> String { Digits.hex(digest) }
}
