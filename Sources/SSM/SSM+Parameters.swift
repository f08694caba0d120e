public import CloudCafeCore
public import Foundation

// MARK: - Shapes (botocore ssm 2014-11-06)

/// PutParameter input.
public struct PutParameterInput: Sendable, Codable {
    public var name: String
    public var value: String
    public var type: ParameterType?
    public var description: String?
    public var overwrite: Bool?

    enum CodingKeys: String, CodingKey {
        case name = "Name", value = "Value", type = "Type", description = "Description", overwrite = "Overwrite"
    }

    public init(name: String, value: String, type: ParameterType? = .string, description: String? = nil, overwrite: Bool? = nil) {
        self.name = name
        self.value = value
        self.type = type
        self.description = description
        self.overwrite = overwrite
    }
}

/// PutParameter output.
public struct PutParameterOutput: Sendable, Codable {
    public var version: Int
    public var tier: String
    enum CodingKeys: String, CodingKey { case version = "Version", tier = "Tier" }
}

/// GetParameter input.
public struct GetParameterInput: Sendable, Codable {
    public var name: String
    public var withDecryption: Bool?
    enum CodingKeys: String, CodingKey { case name = "Name", withDecryption = "WithDecryption" }
    public init(name: String, withDecryption: Bool? = nil) {
        self.name = name
        self.withDecryption = withDecryption
    }
}

/// A parameter as SSM returns it.
public struct Parameter: Sendable, Codable, Equatable {
    public var name: String
    public var type: ParameterType
    public var value: String
    public var version: Int
    public var lastModifiedDate: Date
    public var arn: String
    public var dataType: String

    enum CodingKeys: String, CodingKey {
        case name = "Name", type = "Type", value = "Value", version = "Version"
        case lastModifiedDate = "LastModifiedDate", arn = "ARN", dataType = "DataType"
    }
}

/// GetParameter output.
public struct GetParameterOutput: Sendable, Codable {
    public var parameter: Parameter
    enum CodingKeys: String, CodingKey { case parameter = "Parameter" }
}

// MARK: - Operations

extension SSM {
    /// PutParameter.
    public static let putParameter = Operation<SSM, PutParameterInput, PutParameterOutput>(
        name: "PutParameter", action: "ssm:PutParameter", resource: { i, c in parameterArn(i.name, c).description }
    ) { ssm, input, ctx in try await ssm.putParameter(input, ctx) }

    /// GetParameter.
    public static let getParameter = Operation<SSM, GetParameterInput, GetParameterOutput>(
        name: "GetParameter", action: "ssm:GetParameter", resource: { i, c in parameterArn(i.name, c).description }
    ) { ssm, input, ctx in try await ssm.getParameter(input, ctx) }

    /// A parameter's ARN: names with a leading `/` are appended as they are.
    static func parameterArn(_ name: String, _ ctx: CallContext) -> ARN {
        ctx.arn("ssm", name.hasPrefix("/") ? "parameter\(name)" : "parameter/\(name)")
    }

    func putParameter(_ input: PutParameterInput, _ ctx: CallContext) throws(SSMError) -> PutParameterOutput {
        try Self.validateName(input.name)
        guard !input.value.isEmpty, input.value.utf8.count <= 4096 else {
            throw .validation("1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length between 1 and 4096")
        }
        let key = Key(region: ctx.region, name: input.name)
        if var existing = parameters[key] {
            guard input.overwrite == true else { throw .alreadyExists() }
            let version = existing.current.version + 1
            existing.versions.append(
                .init(
                    value: input.value, type: input.type ?? existing.current.type,
                    description: input.description ?? existing.current.description, modified: ctx.now, version: version))
            parameters[key] = existing
            return PutParameterOutput(version: version, tier: "Standard")
        }
        guard let type = input.type else {
            throw .validation("A parameter type is required when you create a parameter.")
        }
        parameters[key] = StoredParameter(
            name: input.name, arn: Self.parameterArn(input.name, ctx),
            versions: [.init(value: input.value, type: type, description: input.description, modified: ctx.now, version: 1)])
        return PutParameterOutput(version: 1, tier: "Standard")
    }

    func getParameter(_ input: GetParameterInput, _ ctx: CallContext) throws(SSMError) -> GetParameterOutput {
        guard let stored = parameters[Key(region: ctx.region, name: input.name)] else { throw .notFound(input.name) }
        // Without decryption AWS returns the KMS ciphertext, never the plain value.
        return GetParameterOutput(parameter: view(stored, version: stored.current, decrypt: input.withDecryption == true))
    }

    /// An opaque stand-in for a KMS ciphertext blob: stable for a value, useless without decryption.
    static func ciphertext(_ value: String, name: String) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in (name + "\u{0}" + value).utf8 {
            h = (h ^ UInt64(b)) &* 0x100_0000_01B3
        }
        let bytes = (0..<48).map { i in UInt8(truncatingIfNeeded: (h &* UInt64(i + 1)) >> (8 * UInt64(i % 8))) }
        return "AQICAH" + Data(bytes).base64EncodedString()
    }

    static func validateName(_ name: String) throws(SSMError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/")
        guard (1...2048).contains(name.count), name.allSatisfy(allowed.contains) else {
            throw .validation(
                "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol \"/\". Valid example: /get/parameters2-/by1./path0_."
            )
        }
    }
}
