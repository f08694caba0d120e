/// A service's wire surface as botocore models it: protocol, operations and the shapes
/// their inputs and outputs are made of. Generated into each `…API` module; the Gateway
/// builds its tables from these, and validation reads the shapes' constraints.
public struct ServiceModel: Sendable {
    /// How requests and answers are written.
    public enum WireProtocol: Sendable, Equatable {
        /// `POST /` with `X-Amz-Target` and JSON bodies (awsJson 1.0 or 1.1).
        case json
        /// Form-encoded `Action=…&Version=…`, XML answers.
        case query
        /// Members bound to the path, query string, headers and a JSON body.
        case restJSON
    }

    /// botocore's service name (`sns`): the key of its operations.
    public let name: String
    /// The SigV4 credential scope's service, and IAM's action prefix.
    public let signingName: String
    public let wireProtocol: WireProtocol
    public let apiVersion: String
    /// awsJson only: `1.0` or `1.1`, and the `X-Amz-Target` prefix.
    public let jsonVersion: String?
    public let targetPrefix: String?
    /// query only: the answers' XML namespace.
    public let xmlNamespace: String?
    public let operations: [OperationModel]
    public let shapes: [String: ShapeModel]

    public init(
        name: String, signingName: String, protocol wireProtocol: WireProtocol, apiVersion: String, jsonVersion: String? = nil,
        targetPrefix: String? = nil, xmlNamespace: String? = nil, operations: [OperationModel], shapes: [String: ShapeModel]
    ) {
        self.name = name
        self.signingName = signingName
        self.wireProtocol = wireProtocol
        self.apiVersion = apiVersion
        self.jsonVersion = jsonVersion
        self.targetPrefix = targetPrefix
        self.xmlNamespace = xmlNamespace
        self.operations = operations
        self.shapes = shapes
    }

    /// The operation named `name`.
    public func operation(_ name: String) -> OperationModel? { operations.first { $0.name == name } }
}

/// One operation's HTTP binding (botocore `http`) and its shapes.
public struct OperationModel: Sendable {
    public let name: String
    public let method: String
    /// rest-json: `/2015-03-31/functions/{FunctionName}/invocations`, with `?query` constants.
    public let requestURI: String
    /// The success status (201 for CreateFunction, 204 for DeleteFunction).
    public let responseCode: Int
    public let input: String?
    public let output: String?
    /// query: the element the output's members are written in (`PublishResult`).
    public let resultWrapper: String?

    public init(
        _ name: String, method: String, requestURI: String, responseCode: Int = 200, input: String? = nil, output: String? = nil,
        resultWrapper: String? = nil
    ) {
        self.name = name
        self.method = method
        self.requestURI = requestURI
        self.responseCode = responseCode
        self.input = input
        self.output = output
        self.resultWrapper = resultWrapper
    }
}

/// A shape and the constraints botocore gives it.
public struct ShapeModel: Sendable {
    public enum Kind: Sendable, Equatable { case structure, list, map, string, integer, long, double, boolean, timestamp, blob }
    public enum NumberKind: Sendable { case integer, long, double }

    public let kind: Kind
    /// structure: its members in model order; list: `member`; map: `key`, `value`.
    public var members: [MemberModel] = []
    public var required: [String] = []
    /// rest-json: the member that is the whole body.
    public var payload: String?
    public var member: String?
    public var key: String?
    public var value: String?
    /// Lengths (strings, blobs, lists, maps) or values (numbers).
    public var min: Double?
    public var max: Double?
    public var pattern: String?
    public var enumValues: [String]?
    /// AWS leaves sensitive values out of its validation messages.
    public var sensitive = false
    public var flattened = false
    /// query: the list item element (`member` when nil).
    public var memberName: String?
    /// query: a map entry's key and value elements (`key`, `value` when nil).
    public var keyName: String?
    public var valueName: String?
    public var timestampFormat: String?

    init(kind: Kind) { self.kind = kind }

    public static func structure(_ members: [MemberModel], required: [String] = [], payload: String? = nil) -> Self {
        var s = Self(kind: .structure)
        (s.members, s.required, s.payload) = (members, required, payload)
        return s
    }

    public static func list(_ member: String, memberName: String? = nil, flattened: Bool = false, min: Double? = nil, max: Double? = nil) -> Self {
        var s = Self(kind: .list)
        (s.member, s.memberName, s.flattened, s.min, s.max) = (member, memberName, flattened, min, max)
        return s
    }

    public static func map(
        key: String, value: String, keyName: String? = nil, valueName: String? = nil, flattened: Bool = false, min: Double? = nil, max: Double? = nil
    ) -> Self {
        var s = Self(kind: .map)
        (s.key, s.value, s.keyName, s.valueName, s.flattened, s.min, s.max) = (key, value, keyName, valueName, flattened, min, max)
        return s
    }

    public static func string(min: Double? = nil, max: Double? = nil, pattern: String? = nil, enum values: [String]? = nil, sensitive: Bool = false) -> Self {
        var s = Self(kind: .string)
        (s.min, s.max, s.pattern, s.enumValues, s.sensitive) = (min, max, pattern, values, sensitive)
        return s
    }

    public static func number(_ kind: NumberKind, min: Double? = nil, max: Double? = nil) -> Self {
        var s = Self(kind: kind == .integer ? .integer : kind == .long ? .long : .double)
        (s.min, s.max) = (min, max)
        return s
    }

    public static let boolean = Self(kind: .boolean)

    public static func timestamp(format: String? = nil) -> Self {
        var s = Self(kind: .timestamp)
        s.timestampFormat = format
        return s
    }

    public static func blob(min: Double? = nil, max: Double? = nil, sensitive: Bool = false) -> Self {
        var s = Self(kind: .blob)
        (s.min, s.max, s.sensitive) = (min, max, sensitive)
        return s
    }
}

/// A member of a structure: its wire name, shape and where rest-json binds it.
public struct MemberModel: Sendable {
    public enum Location: String, Sendable { case uri, querystring, header, headers, statusCode }
    public let name: String
    public let shape: String
    public let location: Location?
    /// The path variable, query parameter or header name; query: the element name.
    public let locationName: String?
    public let flattened: Bool

    public init(_ name: String, _ shape: String, location: Location? = nil, locationName: String? = nil, flattened: Bool = false) {
        self.name = name
        self.shape = shape
        self.location = location
        self.locationName = locationName
        self.flattened = flattened
    }
}

/// An operation's identity and types, generated into its service's API module. Another
/// service or a handler calls it through the Dispatcher with this, never with the actor.
public struct OperationDescriptor<Input: Codable & Sendable & JSONValueWritable & JSONValueReadable, Output: Codable & Sendable & JSONValueWritable>: Sendable {
    /// botocore's service name (`lambda`).
    public let service: String
    /// The operation (`Invoke`).
    public let name: String

    public init(service: String, name: String) {
        self.service = service
        self.name = name
    }

    /// The key the Dispatcher finds the implementation by.
    public var key: OperationKey { OperationKey(service: service, name: name) }
}

/// A service and operation name pair.
public struct OperationKey: Sendable, Hashable, CustomStringConvertible {
    public let service: String
    public let name: String

    public init(service: String, name: String) {
        self.service = service
        self.name = name
    }

    public var description: String { "\(service).\(name)" }
}

/// The input or output of an operation botocore models without members.
public struct EmptyShape: Sendable, Codable, Equatable, JSONValueWritable, JSONValueReadable {
    public init() {}
    public func jsonValue() -> JSONValue { .object([]) }

    public init?(reading value: JSONValue) {
        guard case .object = value else { return nil }
    }
}
