import CloudCafeCore
import Foundation
import Testing

struct PatternCase: Sendable, CustomTestStringConvertible {
    let name: String
    let json: JSONValue
    var testDescription: String { name }

    static func load() -> [PatternCase] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fixtures/events/patterns.json").standardized
        guard let data = try? Data(contentsOf: url), case .array(let items)? = try? JSONValue(parsing: data) else { return [] }
        return items.map { PatternCase(name: $0["name"]?.stringValue ?? "?", json: $0) }
    }
}

/// Event-ruler's matching and its refusals, word for word with where it stopped.
struct EventPatternTests {
    @Test func casesAreLoaded() { #expect(PatternCase.load().count >= 70) }

    @Test(arguments: PatternCase.load())
    func matchesAsEventRuler(_ c: PatternCase) throws {
        let pattern = try EventPattern(try #require(c.json["pattern"]).compact)
        #expect(pattern.matches(try #require(c.json["event"])) == (c.json["match"] == .bool(true)))
    }

    func reason(_ text: String) -> String? {
        do {
            _ = try EventPattern(text)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func refusalsSayWhereAsAWSDoes() {
        // Messages AWS answered, as users reported them.
        #expect(
            reason(#"{"source": ["aws.health"], "detail": {}}"#)
                == #"Empty objects are not allowed\#n at [Source: (String)"{"source": ["aws.health"], "detail": {}}"; line: 1, column: 40]"#)
        let multiline = """
            {
              "detail-type": [ "Build Started", "Build Finished" ],
              "detail": {
                "pipeline": {
                  "slug": "some-pipeline"
                }
              }
            }
            """
        #expect(reason(multiline)?.hasPrefix("\"slug\" must be an object or an array\n at [Source: (String)\"{\n") == true)
        #expect(reason(multiline)?.hasSuffix("; line: 5, column: 16]") == true)
        #expect(reason(#"{"resources":"arn:aws:x"}"#)?.hasSuffix(#"line: 1, column: 15]"#) == true)
    }

    @Test(arguments: [
        (#"[]"#, "Filter is not an object"),
        (#"{"source":[]}"#, "Empty arrays are not allowed"),
        (#"{"source":[{"bogus":1}]}"#, "Unrecognized match type bogus"),
        (#"{"a":[[1]]}"#, "Match value must be String, number, true, false, or null"),
        (#"{"a":[{"prefix":1}]}"#, "prefix match pattern must be a string"),
        (#"{"a":[{"prefix":"x","suffix":"y"}]}"#, "Only one key allowed in match expression"),
        (#"{"a":[{"numeric":[">",1,">",2]}]}"#, "Bad numeric range operator: >"),
        (#"{"a":[{"numeric":["<",1,"<",2]}]}"#, "Too many elements in numeric expression"),
        (#"{"a":[{"numeric":["=","x"]}]}"#, "Value of equals must be numeric"),
        (#"{"a":[{"numeric":["!",1]}]}"#, "Unrecognized numeric range operator: !"),
        (#"{"a":[{"anything-but":[1,"x"]}]}"#, "Inside anything but list, either all values are number or string, mixed type is not supported"),
        (#"{"a":[{"anything-but":{"regex":"x"}}]}"#, "Unsupported anything-but pattern: regex"),
        (#"{"a":[{"anything-but":true}]}"#, "Value of anything-but must be an array or single string/number value."),
        (#"{"a":[{"anything-but":{"prefix":""}}]}"#, "Null prefix/suffix not allowed"),
        (#"{"a":[{"wildcard":"a**b"}]}"#, "Consecutive wildcard characters at pos 1"),
        (#"{"a":[{"wildcard":"a\\b"}]}"#, "Invalid escape character at pos 1"),
        (#"{"a":[{"cidr":"10.0.0.0"}]}"#, "Malformed CIDR, one '/' required"),
        (#"{"a":[{"cidr":"10.0.0.0/33"}]}"#, "IPv4 mask bits must be < 32"),
        (#"{"a":[{"exists":"yes"}]}"#, "exists match pattern must be either true or false."),
        (#"{"$or":[{"a":[1]}]}"#, "There must have at least 2 Objects in $or relationship."),
        (#"{"$or":{"a":[1]}}"#, "It must be an Array followed with $or."),
        (#"{"$or":[{"a":[1]},{"prefix":[1]}]}"#, "prefix is Ruler reserved fieldName which cannot be used inside $or."),
        (#"{"a":[{"prefix":{"wildcard":"x"}}]}"#, "Unsupported prefix pattern: wildcard"),
        ("not json", "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"),
    ])
    func refusesWithEventRulersWords(_ text: String, _ message: String) {
        #expect(reason(text)?.components(separatedBy: "\n at ").first == message)
    }

    @Test func combinationsCountEveryValueOfEveryBranch() throws {
        #expect(try EventPattern(#"{"a":[1,2,3],"b":["x","y"]}"#).combinations == 6)
        #expect(try EventPattern(#"{"$or":[{"a":[1,2]},{"b":[1]}]}"#).combinations == 3)
    }
}
