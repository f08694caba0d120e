import HTTPTypes
import Testing

@testable import Gateway

struct HeaderLookupTests {
    @Test func readsAHeaderAsTheSubscriptDoes() {
        var headers: HTTPFields = [.contentType: "application/json", .authorization: "AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request"]
        #expect(headers.single(.authorization) == headers[.authorization])
        #expect(headers.single(.amzTarget) == nil)
        // A repeated field reads joined, as HTTPTypes joins it.
        headers.append(HTTPField(name: .contentType, value: "text/plain"))
        #expect(headers.single(.contentType) == headers[.contentType])
        #expect(headers.single(.contentType) == "application/json, text/plain")
    }
}
