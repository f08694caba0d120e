import CloudCafeCore
import CloudWatchLogsAPI
import EventBridgeAPI
import Foundation
import LambdaAPI
import SNSAPI
import Testing

/// The wire's inputs decode from the parsed tree as Foundation's JSONDecoder decodes their text.
struct JSONValueDecoderTests {
    func foundation<T: Decodable>(_ type: T.Type, _ text: String) -> Result<T, DecodingError> {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return Result { try decoder.decode(type, from: Data(text.utf8)) }.mapError { $0 as! DecodingError }
    }

    func ours<T: Decodable>(_ type: T.Type, _ text: String) -> Result<T, DecodingError> {
        Result { try JSONValueDecoder().decode(type, from: try JSONValue(parsing: text)) }.mapError { $0 as! DecodingError }
    }

    /// The same value, or the same kind of failure about the same member.
    func expectSame<T: Decodable & Equatable>(_ type: T.Type, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        switch (foundation(type, text), ours(type, text)) {
        case (.success(let a), .success(let b)): #expect(a == b, "\(text)", sourceLocation: sourceLocation)
        case (.failure(let a), .failure(let b)):
            // A number that does not fit: JSONDecoder names no member; the tree names the one it is.
            if summary(a) == "mismatch []", summary(b) != summary(a) {
                #expect(summary(b).hasPrefix("mismatch [\""), "\(text)", sourceLocation: sourceLocation)
            } else {
                #expect(summary(a) == summary(b), "\(text)", sourceLocation: sourceLocation)
            }
        case (let a, let b): Issue.record("\(text): JSONDecoder \(a), JSONValueDecoder \(b)", sourceLocation: sourceLocation)
        }
    }

    func summary(_ e: DecodingError) -> String {
        switch e {
        case .keyNotFound(let key, _): "keyNotFound \(key.stringValue)"
        case .valueNotFound(_, let c): "valueNotFound \(c.codingPath.last?.stringValue ?? "")"
        case .typeMismatch(_, let c): "mismatch \(c.codingPath.map(\.stringValue))"
        case .dataCorrupted(let c): "mismatch \(c.codingPath.map(\.stringValue))"  // the wire reports both alike
        @unknown default: "other"
        }
    }

    @Test func decodesWhatJSONDecoderDecodes() {
        expectSame(PutLogEventsRequest.self, #"{"logGroupName":"/g","logStreamName":"s","logEvents":[{"timestamp":1700000000000,"message":"hi é"}]}"#)
        expectSame(PutLogEventsRequest.self, #"{"logGroupName":"/g","logStreamName":"s","logEvents":[],"sequenceToken":null,"extra":1}"#)
        expectSame(PutEventsRequest.self, #"{"Entries":[{"Time":1795809600.5,"Source":"s","Resources":["a","b"],"DetailType":"t","Detail":"{}"}]}"#)
        expectSame(PublishInput.self,
            #"{"TopicArn":"arn:aws:sns:us-east-1:123456789012:t","Message":"m","MessageAttributes":{"a":{"DataType":"Binary","BinaryValue":"aGk="},"b":{"DataType":"String","StringValue":"x"}}}"#)
        expectSame(CreateFunctionRequest.self,
            #"{"FunctionName":"f","Role":"arn:aws:iam::123456789012:role/r","Code":{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="},"Timeout":3,"MemorySize":128.0,"Publish":true,"Environment":{"Variables":{"K":"V"}}}"#)
    }

    @Test func failsWhereJSONDecoderFails() {
        expectSame(PutLogEventsRequest.self, #"{"logStreamName":"s","logEvents":[]}"#)
        expectSame(PutLogEventsRequest.self, #"{"logGroupName":null,"logStreamName":"s","logEvents":[]}"#)
        expectSame(PutLogEventsRequest.self, #"{"logGroupName":1,"logStreamName":"s","logEvents":[]}"#)
        expectSame(PutLogEventsRequest.self, #"{"logGroupName":"/g","logStreamName":"s","logEvents":[{"timestamp":"now","message":"m"}]}"#)
        expectSame(PutLogEventsRequest.self, #"{"logGroupName":"/g","logStreamName":"s","logEvents":[{"timestamp":1.5,"message":"m"}]}"#)
        expectSame(PutLogEventsRequest.self, #"{"logGroupName":"/g","logStreamName":"s","logEvents":[{"timestamp":1e40,"message":"m"}]}"#)
        expectSame(PutLogEventsRequest.self, #"{"logGroupName":"/g","logStreamName":"s","logEvents":{}}"#)
        expectSame(CreateFunctionRequest.self, #"{"FunctionName":"f","Role":"r","Code":{"ZipFile":"not base64!"},"Timeout":true}"#)
        expectSame(CreateFunctionRequest.self, #"{"FunctionName":"f","Role":"r","Code":{},"Timeout":99999999999999999999}"#)
        expectSame(PutEventsRequest.self, #"{"Entries":[{"Time":"yesterday"}]}"#)
        expectSame(PutEventsRequest.self, #"[]"#)
    }
}
