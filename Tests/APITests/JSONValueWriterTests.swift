import CloudCafeCore
import Foundation
import Testing

/// The generated `jsonValue()` of every shape against what `JSONValueEncoder` makes of the
/// shape's Codable conformance: same members, same order, same spelling of every value.
struct JSONValueWriterTests {
    /// Encodes through the shape's own `encode(to:)`, past the encoder's shortcut for writers.
    struct ThroughCodable<T: Encodable>: Encodable {
        let value: T
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }

    /// A value of every member of `name` (two items per list and map), down to a few levels.
    static func sample(_ name: String, in model: ServiceModel, depth: Int = 0, seed: Int = 0) -> JSONValue {
        guard let shape = model.shapes[name] else { return .null }
        switch shape.kind {
        case .structure:
            let members = shape.members.filter { depth < 4 || shape.required.contains($0.name) }
            return .object(members.enumerated().map { i, m in (m.name, sample(m.shape, in: model, depth: depth + 1, seed: seed + i)) })
        case .list:
            guard depth < 4, let member = shape.member else { return .array([]) }
            return .array((0..<2).map { sample(member, in: model, depth: depth + 1, seed: seed + $0) })
        case .map:
            guard depth < 4, let value = shape.value else { return .object([]) }
            return .object((0..<2).map { ("key\(seed + $0)", sample(value, in: model, depth: depth + 1, seed: seed + $0)) })
        case .string: return .string(seed % 2 == 0 ? "text \"\(seed)\" é" : "t\(seed)")
        case .integer, .long: return .number(String(seed * 7 - 3))
        case .double: return .number(seed % 2 == 0 ? "3.0" : "1.25")
        case .boolean: return .bool(seed % 2 == 0)
        case .timestamp: return .number(seed % 2 == 0 ? "1764374400" : "1764374400.5")
        case .blob: return .string("AAEC/w==")
        }
    }

    static func compare<T: Codable & JSONValueWritable>(_ type: T.Type, _ sample: JSONValue) throws -> (written: String, codable: String) {
        let value = try JSONValueDecoder().decode(T.self, from: sample)
        return (try value.jsonValue().compact, try JSONValueEncoder().encode(ThroughCodable(value: value)).compact)
    }

    static let models: [String: ServiceModel] = {
        var byName: [String: ServiceModel] = [:]
        for model in GeneratedModelTests.models { byName[model.name] = model }
        return byName
    }()

    @Test(arguments: GeneratedShapeTypes.all.keys.sorted())
    func everyShapeWritesWhatCodableEncodes(_ service: String) throws {
        let model = try #require(Self.models[service], "no model named \(service)")
        let shapes = try #require(GeneratedShapeTypes.all[service])
        #expect(!shapes.isEmpty)
        for (name, type) in shapes.sorted(by: { $0.key < $1.key }) {
            for seed in [0, 1] {
                let (written, codable) = try Self.compare(type, Self.sample(name, in: model, seed: seed))
                #expect(written == codable, "\(service) \(name)")
            }
        }
    }

    @Test func aShapeWithNothingSetIsAnEmptyObject() throws {
        let type = try #require(GeneratedShapeTypes.all["lambda"]?["FunctionConfiguration"])
        let (written, codable) = try Self.compare(type, .object([]))
        #expect(written == "{}")
        #expect(codable == "{}")
    }

    @Test func numbersThatAreNotFiniteFailAsJSONEncoderFails() {
        #expect(throws: EncodingError.self) { try JSONValue.encoding(Double.infinity) }
        #expect(throws: EncodingError.self) { try JSONValue.encoding(Double.nan) }
        #expect((try? JSONValue.encoding(3.0)) == .number("3"))
        #expect((try? JSONValue.encoding(Date(timeIntervalSince1970: 1.5))) == .number("1.5"))
    }
}
