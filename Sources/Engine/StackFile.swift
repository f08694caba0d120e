public import Foundation
import CloudCafeCore

/// A deployment described as data (fixtures/stacks/cafe.json is the café's).
///
/// Members use AWS's request names. Strings may hold `${AdminEmail}`, `${Account}`,
/// `${Region}`, and references resolved while deploying: `${Topic:name}` (the topic's ARN),
/// `${Rule:name}`; a function's `Role` names a role of the stack, its `Layers` layers of
/// the stack (their latest version), and `ZipFile` a file beside the stack file.
public struct StackFile: Sendable, Decodable {
    public struct Role: Sendable, Decodable {
        var RoleName: String
        var AssumeRolePolicyDocument: JSONDocument
        var ManagedPolicyArns: [String]?
        var Policies: [InlinePolicy]?
    }

    public struct InlinePolicy: Sendable, Decodable {
        var PolicyName: String
        var PolicyDocument: JSONDocument
    }

    public struct Parameter: Sendable, Decodable {
        var Name: String
        var `Type`: String
        var Value: String
        var Description: String?
    }

    public struct Topic: Sendable, Decodable {
        var Name: String
        var Attributes: [String: String]?
        var Subscriptions: [Subscription]?
    }

    public struct Subscription: Sendable, Decodable {
        var `Protocol`: String
        var Endpoint: String
        /// Confirm as the recipient would, with the link in the confirmation email.
        var Confirm: Bool?
    }

    public struct Layer: Sendable, Decodable {
        var LayerName: String
        var Description: String?
        var CompatibleRuntimes: [String]?
        var ZipFile: String
    }

    public struct Function: Sendable, Decodable {
        var FunctionName: String
        var Runtime: String?
        var Handler: String
        var Role: String
        var ZipFile: String
        var Layers: [String]?
        var Environment: [String: [String: String]]?
        var Timeout: Int?
        var MemorySize: Int?
    }

    public struct Rule: Sendable, Decodable {
        var Name: String
        var Description: String?
        var ScheduleExpression: String
        var State: String?
        var Targets: [Target]
    }

    public struct Target: Sendable, Decodable {
        var Id: String
        var Function: String?
        var Topic: String?
        var Input: String?
    }

    public struct Permission: Sendable, Decodable {
        var FunctionName: String
        var StatementId: String
        var Action: String
        var Principal: String
        var SourceArn: String?
    }

    var Description: String?
    var Roles: [Role]?
    var Parameters: [Parameter]?
    var Topics: [Topic]?
    var Layers: [Layer]?
    var Functions: [Function]?
    var Rules: [Rule]?
    var Permissions: [Permission]?

    /// The folder `ZipFile` paths are relative to.
    var baseDirectory = URL(fileURLWithPath: ".")

    enum CodingKeys: String, CodingKey {
        case Description, Roles, Parameters, Topics, Layers, Functions, Rules, Permissions
    }

    /// Reads a stack file.
    public static func load(_ url: URL) throws -> StackFile {
        // Through the daemon's own JSON tree and decoder: Foundation's JSONDecoder cost 5 M
        // instructions of start-up on the café stack.
        var stack = try JSONValueDecoder().decode(StackFile.self, from: JSONValue(parsing: Data(contentsOf: url)))
        stack.baseDirectory = url.deletingLastPathComponent()
        return stack
    }

    /// The café stack that ships with CloudCafe.
    public static func cafe() throws -> StackFile {
        guard let url = Bundle.module.url(forResource: "stacks/cafe.json", withExtension: nil) else {
            throw EngineError.missingResource("stacks/cafe.json")
        }
        return try load(url)
    }
}

/// A JSON document inside the stack file, passed on as compact text (policy documents).
public struct JSONDocument: Sendable, Decodable {
    let text: String

    public init(from decoder: any Decoder) throws {
        text = try JSONAny(from: decoder).json
    }
}

/// Any JSON value, re-encoded compactly.
private struct JSONAny: Decodable {
    let json: String

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            let members = try object.allKeys.sorted { $0.stringValue < $1.stringValue }.map { key in
                "\(Self.quote(key.stringValue)):\(try object.decode(JSONAny.self, forKey: key).json)"
            }
            json = "{" + members.joined(separator: ",") + "}"
        } else if var array = try? decoder.unkeyedContainer() {
            var items: [String] = []
            while !array.isAtEnd { items.append(try array.decode(JSONAny.self).json) }
            json = "[" + items.joined(separator: ",") + "]"
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                json = "null"
            } else if let b = try? single.decode(Bool.self) {
                json = b ? "true" : "false"
            } else if let i = try? single.decode(Int.self) {
                json = String(i)
            } else {
                json = Self.quote(try single.decode(String.self))
            }
        }
    }

    static func quote(_ s: String) -> String {
        let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Errors of the engine's own set-up.
public enum EngineError: Error, CustomStringConvertible {
    case missingResource(String)
    case deployment(String)

    public var description: String {
        switch self {
        case .missingResource(let name): "\(name) is missing from the installation"
        case .deployment(let why): "stack deployment failed: \(why)"
        }
    }
}
