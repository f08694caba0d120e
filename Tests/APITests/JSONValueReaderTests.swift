import CloudCafeCore
import Foundation
import SNSAPI
import SSMAPI
import Testing

/// The generated `init?(reading:)` of every shape against what `JSONValueDecoder` makes of the
/// shape's Codable conformance: the same value wherever the tree is as the shape says, and
/// nil (the decoder's error through `decode(from:)`) wherever it is not.
struct JSONValueReaderTests {
    static func readAndDecode<T: Codable & JSONValueWritable & JSONValueReadable>(_ type: T.Type, _ tree: JSONValue) throws -> (read: String?, decoded: String) {
        (try T(reading: tree).map { sorted(try $0.jsonValue()).compact }, sorted(try JSONValueDecoder().decode(T.self, from: tree).jsonValue()).compact)
    }

    /// Maps (dictionaries) keep no order: compared with their keys sorted.
    static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): .object(members.map { ($0.0, sorted($0.1)) }.sorted { $0.0 < $1.0 })
        case .array(let items): .array(items.map(sorted))
        default: value
        }
    }

    @Test(arguments: GeneratedShapeTypes.all.keys.sorted())
    func everyShapeReadsWhatCodableDecodes(_ service: String) throws {
        let model = try #require(JSONValueWriterTests.models[service], "no model named \(service)")
        let shapes = try #require(GeneratedShapeTypes.all[service])
        for (name, type) in shapes.sorted(by: { $0.key < $1.key }) {
            for seed in [0, 1] {
                let (read, decoded) = try Self.readAndDecode(type, JSONValueWriterTests.sample(name, in: model, seed: seed))
                #expect(read == decoded, "\(service) \(name)")
            }
        }
    }

    @Test func aRepeatedKeyReadsAsItsLastOccurrenceAndNullAsAbsent() throws {
        let tree = JSONValue.object([("Name", .string("first")), ("WithDecryption", .bool(true)), ("Name", .string("last")), ("WithDecryption", .null)])
        let read = try #require(GetParameterRequest(reading: tree))
        #expect(read == GetParameterRequest(name: "last"))
        #expect(try JSONValueDecoder().decode(GetParameterRequest.self, from: tree) == read)
    }

    /// Wherever the reader gives up, `decode(from:)` answers as the decoder does.
    @Test(arguments: [
        JSONValue.object([("WithDecryption", .bool(true))]),  // a required member missing
        .object([("Name", .null)]),  // null where required
        .object([("Name", .number("3"))]),  // a number for a string
        .object([("Name", .string("p")), ("WithDecryption", .string("yes"))]),  // a string for a boolean
        .array([]), .string("x"), .null,
    ])
    func whatTheShapeDoesNotSayFailsAsTheDecoderFails(_ tree: JSONValue) {
        #expect(GetParameterRequest(reading: tree) == nil)
        var viaDecoder = ""
        var viaRead = ""
        do { _ = try JSONValueDecoder().decode(GetParameterRequest.self, from: tree) } catch { viaDecoder = "\(error)" }
        do { _ = try GetParameterRequest.decode(from: tree) } catch { viaRead = "\(error)" }
        #expect(!viaDecoder.isEmpty)
        #expect(viaRead == viaDecoder)
    }

    @Test func numbersTheReaderLeavesToTheDecoderStillDecode() throws {
        // `1e1` is a whole number only the decoder reads; a fraction is no integer for either.
        let tree = JSONValue.object([("TopicArn", .string("arn:aws:sns:us-east-1:000000000000:t")), ("Message", .string("m")),
                                     ("MessageAttributes", .object([]))])
        #expect(PublishInput(reading: tree) != nil)
        let limit = JSONValue.object([("MaxResults", .number("1e1"))])
        #expect(DescribeParametersRequest(reading: limit) == nil)
        #expect(try DescribeParametersRequest.decode(from: limit).maxResults == 10)
        #expect(throws: DecodingError.self) { try DescribeParametersRequest.decode(from: .object([("MaxResults", .number("1.5"))])) }
    }

    @Test func blobsAndTimestampsReadAsTheDecoderReadsThem() throws {
        #expect(JSONValue.string("AAEC/w==").readData == Data([0, 1, 2, 255]))
        #expect(JSONValue.string("not base64!").readData == nil)
        #expect(JSONValue.number("1764374400.5").readDate == Date(timeIntervalSince1970: 1_764_374_400.5))
        #expect(JSONValue.number("1e400").readDouble == nil)
    }
}
