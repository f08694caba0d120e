import Crypto
import Foundation
import _CryptoExtras

/// Signs what SNS sends to HTTP endpoints, as SNS does, with a key whose certificate the
/// daemon serves at `SigningCertURL`, so endpoints can verify messages as they verify AWS's.
final class MessageSigner: Sendable {
    let key: _RSA.Signing.PrivateKey
    /// The self-signed certificate, PEM.
    let certificatePEM: String

    init() throws {
        key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        certificatePEM = try Self.certificate(for: key)
    }

    /// SNS's string to sign: each present field as `Name\nvalue\n`, in SNS's order.
    static func stringToSign(_ fields: [(String, String?)]) -> String {
        fields.compactMap { name, value in value.map { "\(name)\n\($0)\n" } }.joined()
    }

    /// SignatureVersion 1 signs with SHA1, 2 with SHA256 (RSA PKCS#1 v1.5), base64.
    func sign(_ text: String, version: String) throws -> String {
        let data = Data(text.utf8)
        let signature =
            version == "2"
            ? try key.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
            : try key.signature(for: Insecure.SHA1.hash(data: data), padding: .insecurePKCS1v1_5)
        return signature.rawRepresentation.base64EncodedString()
    }

    // MARK: A minimal X.509 certificate

    static func certificate(for key: _RSA.Signing.PrivateKey) throws -> String {
        let sha256WithRSA: [UInt8] = der(0x30, der(0x06, [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B]) + der(0x05, []))
        let name: [UInt8] = der(0x30, der(0x31, der(0x30, der(0x06, [0x55, 0x04, 0x03]) + der(0x0C, Array("sns.amazonaws.com".utf8)))))
        let validity: [UInt8] = der(0x30, der(0x17, Array("260101000000Z".utf8)) + der(0x17, Array("491231235959Z".utf8)))
        let tbs: [UInt8] = der(
            0x30,
            der(0xA0, der(0x02, [0x02])) + der(0x02, [0x01]) + sha256WithRSA + name + validity + name + Array(key.publicKey.derRepresentation))
        let signature = try key.signature(for: SHA256.hash(data: tbs), padding: .insecurePKCS1v1_5).rawRepresentation
        let certificate = der(0x30, tbs + sha256WithRSA + der(0x03, [0] + Array(signature)))
        let base64 = Data(certificate).base64EncodedString()
        let lines = stride(from: 0, to: base64.count, by: 64).map { i -> String in
            let start = base64.index(base64.startIndex, offsetBy: i)
            return String(base64[start..<base64.index(start, offsetBy: min(64, base64.count - i))])
        }
        return "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: "\n") + "\n-----END CERTIFICATE-----\n"
    }

    /// One DER tag-length-value.
    static func der(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var length: [UInt8]
        if content.count < 0x80 {
            length = [UInt8(content.count)]
        } else {
            var n = content.count
            var bytes: [UInt8] = []
            while n > 0 {
                bytes.insert(UInt8(n & 0xFF), at: 0)
                n >>= 8
            }
            length = [0x80 | UInt8(bytes.count)] + bytes
        }
        return [tag] + length + content
    }
}
