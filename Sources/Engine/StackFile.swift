public import Foundation
import CloudCafeCore

/// A deployment described as data (fixtures/stacks/cafe.json is the café's).
///
/// Members use AWS's request names. Strings may hold `${AdminEmail}`, `${Account}`,
/// `${Region}`, and references resolved while deploying: `${Topic:name}` (the topic's ARN),
/// `${Rule:name}`; a function's `Role` names a role of the stack, its `Layers` layers of
/// the stack (their latest version), and `ZipFile` a file beside the stack file.
public struct StackFile: Sendable {
    public struct Role: Sendable {
        var RoleName: String
        var AssumeRolePolicyDocument: JSONDocument
        var ManagedPolicyArns: [String]?
        var Policies: [InlinePolicy]?
    }

    public struct InlinePolicy: Sendable {
        var PolicyName: String
        var PolicyDocument: JSONDocument
    }

    public struct Parameter: Sendable {
        var Name: String
        var `Type`: String
        var Value: String
        var Description: String?
    }

    public struct Topic: Sendable {
        var Name: String
        var Attributes: [String: String]?
        var Subscriptions: [Subscription]?
    }

    public struct Subscription: Sendable {
        var `Protocol`: String
        var Endpoint: String
        /// Confirm as the recipient would, with the link in the confirmation email.
        var Confirm: Bool?
    }

    public struct Layer: Sendable {
        var LayerName: String
        var Description: String?
        var CompatibleRuntimes: [String]?
        var ZipFile: String
    }

    public struct Function: Sendable {
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

    public struct Rule: Sendable {
        var Name: String
        var Description: String?
        var ScheduleExpression: String
        var State: String?
        var Targets: [Target]
    }

    public struct Target: Sendable {
        var Id: String
        var Function: String?
        var Topic: String?
        var Input: String?
    }

    public struct Permission: Sendable {
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

    /// Reads a stack file.
    public static func load(_ url: URL) throws -> StackFile {
        // Read from the daemon's own JSON tree by hand: through Codable, the first use of a
        // dozen decodable types cost 4 M instructions of start-up on the café stack.
        var stack = try StackFile(StackValue(try JSONValue(parsing: Data(contentsOf: url)), path: ""))
        stack.baseDirectory = url.deletingLastPathComponent()
        return stack
    }

    /// The café stack that ships with CloudCafe.
    public static func cafe() throws -> StackFile {
        guard let url = ShippedResource.url(target: "Engine", "stacks/cafe.json") ?? Bundle.module.url(forResource: "stacks/cafe.json", withExtension: nil) else {
            throw EngineError.missingResource("stacks/cafe.json")
        }
        return try load(url)
    }

    init(_ v: StackValue) throws {
        Description = try v.optionalString("Description")
        Roles = try v.optionalList("Roles") { r in
            Role(
                RoleName: try r.string("RoleName"), AssumeRolePolicyDocument: try r.document("AssumeRolePolicyDocument"),
                ManagedPolicyArns: try r.optionalList("ManagedPolicyArns") { try $0.string() },
                Policies: try r.optionalList("Policies") { p in InlinePolicy(PolicyName: try p.string("PolicyName"), PolicyDocument: try p.document("PolicyDocument")) })
        }
        Parameters = try v.optionalList("Parameters") { p in
            Parameter(Name: try p.string("Name"), Type: try p.string("Type"), Value: try p.string("Value"), Description: try p.optionalString("Description"))
        }
        Topics = try v.optionalList("Topics") { t in
            Topic(
                Name: try t.string("Name"), Attributes: try t.optionalMap("Attributes") { try $0.string() },
                Subscriptions: try t.optionalList("Subscriptions") { s in
                    Subscription(Protocol: try s.string("Protocol"), Endpoint: try s.string("Endpoint"), Confirm: try s.optionalBool("Confirm"))
                })
        }
        Layers = try v.optionalList("Layers") { l in
            Layer(
                LayerName: try l.string("LayerName"), Description: try l.optionalString("Description"),
                CompatibleRuntimes: try l.optionalList("CompatibleRuntimes") { try $0.string() }, ZipFile: try l.string("ZipFile"))
        }
        Functions = try v.optionalList("Functions") { f in
            Function(
                FunctionName: try f.string("FunctionName"), Runtime: try f.optionalString("Runtime"), Handler: try f.string("Handler"),
                Role: try f.string("Role"), ZipFile: try f.string("ZipFile"), Layers: try f.optionalList("Layers") { try $0.string() },
                Environment: try f.optionalMap("Environment") { try $0.map { try $0.string() } }, Timeout: try f.optionalInt("Timeout"),
                MemorySize: try f.optionalInt("MemorySize"))
        }
        Rules = try v.optionalList("Rules") { r in
            Rule(
                Name: try r.string("Name"), Description: try r.optionalString("Description"), ScheduleExpression: try r.string("ScheduleExpression"),
                State: try r.optionalString("State"),
                Targets: try r.list("Targets") { t in
                    Target(Id: try t.string("Id"), Function: try t.optionalString("Function"), Topic: try t.optionalString("Topic"), Input: try t.optionalString("Input"))
                })
        }
        Permissions = try v.optionalList("Permissions") { p in
            Permission(
                FunctionName: try p.string("FunctionName"), StatementId: try p.string("StatementId"), Action: try p.string("Action"),
                Principal: try p.string("Principal"), SourceArn: try p.optionalString("SourceArn"))
        }
    }
}

/// A value of a stack file and where it sits (`Roles[0].RoleName`), for the error that names it.
struct StackValue {
    let value: JSONValue
    let path: String

    init(_ value: JSONValue, path: String) {
        self.value = value
        self.path = path
    }

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    private func member(_ key: String) throws -> StackValue? {
        guard case .object(let members) = value else { throw Invalid(description: "\(path.isEmpty ? "the stack" : path) must be an object") }
        guard let found = members.first(where: { $0.0 == key })?.1, found != .null else { return nil }
        return StackValue(found, path: path.isEmpty ? key : "\(path).\(key)")
    }

    private func required(_ key: String) throws -> StackValue {
        guard let v = try member(key) else { throw Invalid(description: "\(path.isEmpty ? key : "\(path).\(key)") is missing") }
        return v
    }

    func string() throws -> String {
        guard case .string(let s) = value else { throw Invalid(description: "\(path) must be a string") }
        return s
    }

    func string(_ key: String) throws -> String { try required(key).string() }
    func optionalString(_ key: String) throws -> String? { try member(key)?.string() }

    func optionalBool(_ key: String) throws -> Bool? {
        guard let v = try member(key) else { return nil }
        guard case .bool(let b) = v.value else { throw Invalid(description: "\(v.path) must be true or false") }
        return b
    }

    func optionalInt(_ key: String) throws -> Int? {
        guard let v = try member(key) else { return nil }
        guard case .number(let text) = v.value, let n = Int(text) else { throw Invalid(description: "\(v.path) must be a whole number") }
        return n
    }

    /// A policy document, passed on as compact JSON text in the file's own order.
    func document(_ key: String) throws -> JSONDocument {
        let v = try required(key)
        guard case .object = v.value else { throw Invalid(description: "\(v.path) must be a JSON object") }
        return JSONDocument(text: v.value.compact)
    }

    func list<T>(_ key: String, _ item: (StackValue) throws -> T) throws -> [T] {
        try required(key).list(item)
    }

    func optionalList<T>(_ key: String, _ item: (StackValue) throws -> T) throws -> [T]? {
        try member(key)?.list(item)
    }

    private func list<T>(_ item: (StackValue) throws -> T) throws -> [T] {
        guard case .array(let items) = value else { throw Invalid(description: "\(path) must be a list") }
        return try items.enumerated().map { try item(StackValue($1, path: "\(path)[\($0)]")) }
    }

    func optionalMap<T>(_ key: String, _ item: (StackValue) throws -> T) throws -> [String: T]? {
        try member(key)?.map(item)
    }

    func map<T>(_ item: (StackValue) throws -> T) throws -> [String: T] {
        guard case .object(let members) = value else { throw Invalid(description: "\(path) must be an object") }
        var out: [String: T] = [:]
        for (k, v) in members { out[k] = try item(StackValue(v, path: "\(path).\(k)")) }
        return out
    }
}

/// A JSON document inside the stack file, passed on as compact text (policy documents).
public struct JSONDocument: Sendable {
    let text: String
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
