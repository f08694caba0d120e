public import CloudCafeCore
public import Foundation

// MARK: - Shapes (botocore ssm 2014-11-06)

/// GetParameters input.
public struct GetParametersInput: Sendable, Codable {
    public var names: [String]
    public var withDecryption: Bool?
    enum CodingKeys: String, CodingKey { case names = "Names", withDecryption = "WithDecryption" }
}

/// GetParameters output.
public struct GetParametersOutput: Sendable, Codable {
    public var parameters: [Parameter]
    public var invalidParameters: [String]
    enum CodingKeys: String, CodingKey { case parameters = "Parameters", invalidParameters = "InvalidParameters" }
}

/// GetParametersByPath input.
public struct GetParametersByPathInput: Sendable, Codable {
    public var path: String
    public var recursive: Bool?
    public var withDecryption: Bool?
    public var maxResults: Int?
    public var nextToken: String?
    enum CodingKeys: String, CodingKey {
        case path = "Path", recursive = "Recursive", withDecryption = "WithDecryption", maxResults = "MaxResults", nextToken = "NextToken"
    }
}

/// A page of parameters.
public struct ParametersPage: Sendable, Codable {
    public var parameters: [Parameter]
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case parameters = "Parameters", nextToken = "NextToken" }
}

/// DeleteParameter input.
public struct DeleteParameterInput: Sendable, Codable {
    public var name: String
    enum CodingKeys: String, CodingKey { case name = "Name" }
}

/// DeleteParameters input.
public struct DeleteParametersInput: Sendable, Codable {
    public var names: [String]
    enum CodingKeys: String, CodingKey { case names = "Names" }
}

/// DeleteParameters output.
public struct DeleteParametersOutput: Sendable, Codable {
    public var deletedParameters: [String]
    public var invalidParameters: [String]
    enum CodingKeys: String, CodingKey { case deletedParameters = "DeletedParameters", invalidParameters = "InvalidParameters" }
}

/// DescribeParameters input (filters not supported yet).
public struct DescribeParametersInput: Sendable, Codable {
    public var maxResults: Int?
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case maxResults = "MaxResults", nextToken = "NextToken" }
}

/// A parameter's metadata.
public struct ParameterMetadata: Sendable, Codable {
    public var name: String
    public var arn: String
    public var type: ParameterType
    public var description: String?
    public var lastModifiedDate: Date
    public var version: Int
    public var tier: String
    public var dataType: String
    enum CodingKeys: String, CodingKey {
        case name = "Name", arn = "ARN", type = "Type", description = "Description", lastModifiedDate = "LastModifiedDate", version = "Version"
        case tier = "Tier", dataType = "DataType"
    }
}

/// DescribeParameters output.
public struct DescribeParametersOutput: Sendable, Codable {
    public var parameters: [ParameterMetadata]
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case parameters = "Parameters", nextToken = "NextToken" }
}

/// GetParameterHistory input.
public struct GetParameterHistoryInput: Sendable, Codable {
    public var name: String
    public var withDecryption: Bool?
    public var maxResults: Int?
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case name = "Name", withDecryption = "WithDecryption", maxResults = "MaxResults", nextToken = "NextToken" }
}

/// One version in a parameter's history.
public struct ParameterHistory: Sendable, Codable {
    public var name: String
    public var type: ParameterType
    public var value: String
    public var version: Int
    public var lastModifiedDate: Date
    public var description: String?
    public var tier: String
    public var dataType: String
    enum CodingKeys: String, CodingKey {
        case name = "Name", type = "Type", value = "Value", version = "Version", lastModifiedDate = "LastModifiedDate", description = "Description"
        case tier = "Tier", dataType = "DataType"
    }
}

/// GetParameterHistory output.
public struct GetParameterHistoryOutput: Sendable, Codable {
    public var parameters: [ParameterHistory]
    public var nextToken: String?
    enum CodingKeys: String, CodingKey { case parameters = "Parameters", nextToken = "NextToken" }
}

/// An output with no members.
public struct SSMEmptyOutput: Sendable, Codable {}

// MARK: - Operations

extension SSM {
    /// GetParameters.
    public static let getParameters = Operation<SSM, GetParametersInput, GetParametersOutput>(
        name: "GetParameters", action: "ssm:GetParameters", resource: { i, c in i.names.first.map { parameterArn($0, c).description } }
    ) { ssm, input, ctx in try await ssm.getParameters(input, ctx) }

    /// GetParametersByPath.
    public static let getParametersByPath = Operation<SSM, GetParametersByPathInput, ParametersPage>(
        name: "GetParametersByPath", action: "ssm:GetParametersByPath", resource: { i, c in parameterArn(i.path, c).description }
    ) { ssm, input, ctx in try await ssm.getParametersByPath(input, ctx) }

    /// DeleteParameter.
    public static let deleteParameter = Operation<SSM, DeleteParameterInput, SSMEmptyOutput>(
        name: "DeleteParameter", action: "ssm:DeleteParameter", resource: { i, c in parameterArn(i.name, c).description }
    ) { ssm, input, ctx in try await ssm.deleteParameter(input, ctx) }

    /// DeleteParameters.
    public static let deleteParameters = Operation<SSM, DeleteParametersInput, DeleteParametersOutput>(
        name: "DeleteParameters", action: "ssm:DeleteParameters", resource: { i, c in i.names.first.map { parameterArn($0, c).description } }
    ) { ssm, input, ctx in try await ssm.deleteParameters(input, ctx) }

    /// DescribeParameters.
    public static let describeParameters = Operation<SSM, DescribeParametersInput, DescribeParametersOutput>(
        name: "DescribeParameters", action: "ssm:DescribeParameters"
    ) { ssm, input, ctx in try await ssm.describeParameters(input, ctx) }

    /// GetParameterHistory.
    public static let getParameterHistory = Operation<SSM, GetParameterHistoryInput, GetParameterHistoryOutput>(
        name: "GetParameterHistory", action: "ssm:GetParameterHistory", resource: { i, c in parameterArn(i.name, c).description }
    ) { ssm, input, ctx in try await ssm.getParameterHistory(input, ctx) }

    func view(_ p: StoredParameter, version v: StoredParameter.Version, decrypt: Bool) -> Parameter {
        let value = v.type == .secureString && !decrypt ? Self.ciphertext(v.value, name: p.name) : v.value
        return Parameter(name: p.name, type: v.type, value: value, version: v.version, lastModifiedDate: v.modified, arn: p.arn.description, dataType: "text")
    }

    func getParameters(_ input: GetParametersInput, _ ctx: CallContext) throws(SSMError) -> GetParametersOutput {
        guard (1...10).contains(input.names.count) else {
            throw .validation("1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10")
        }
        var found: [Parameter] = []
        var invalid: [String] = []
        for name in input.names {
            if let p = parameters[Key(region: ctx.region, name: name)] {
                found.append(view(p, version: p.current, decrypt: input.withDecryption == true))
            } else {
                invalid.append(name)
            }
        }
        return GetParametersOutput(parameters: found, invalidParameters: invalid)
    }

    /// Pages through `items` with an opaque index token.
    static func page<T>(_ items: [T], max: Int?, limit: Int, token: String?) throws(SSMError) -> ([T], String?) {
        let size = max ?? limit
        guard (1...limit).contains(size) else {
            throw .validation(
                "1 validation error detected: Value '\(size)' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to \(limit)"
            )
        }
        guard let page = Pagination.page(items, size: size, token: token) else {
            throw SSMError(code: .validation, message: "The specified nextToken is not valid.")
        }
        return page
    }

    func getParametersByPath(_ input: GetParametersByPathInput, _ ctx: CallContext) throws(SSMError) -> ParametersPage {
        guard input.path.hasPrefix("/") else {
            throw .validation("The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\".")
        }
        let prefix = input.path.hasSuffix("/") ? input.path : input.path + "/"
        let matching = parameters.values
            .filter { $0.arn.region == ctx.region && $0.name.hasPrefix(prefix) && (input.recursive == true || !$0.name.dropFirst(prefix.count).contains("/")) }
            .sorted { $0.name < $1.name }
        let (page, next) = try Self.page(matching, max: input.maxResults, limit: 10, token: input.nextToken)
        return ParametersPage(parameters: page.map { view($0, version: $0.current, decrypt: input.withDecryption == true) }, nextToken: next)
    }

    func deleteParameter(_ input: DeleteParameterInput, _ ctx: CallContext) throws(SSMError) -> SSMEmptyOutput {
        guard parameters.removeValue(forKey: Key(region: ctx.region, name: input.name)) != nil else { throw .notFound(input.name) }
        return SSMEmptyOutput()
    }

    func deleteParameters(_ input: DeleteParametersInput, _ ctx: CallContext) throws(SSMError) -> DeleteParametersOutput {
        guard (1...10).contains(input.names.count) else {
            throw .validation("1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10")
        }
        var deleted: [String] = []
        var invalid: [String] = []
        for name in input.names {
            if parameters.removeValue(forKey: Key(region: ctx.region, name: name)) != nil { deleted.append(name) } else { invalid.append(name) }
        }
        return DeleteParametersOutput(deletedParameters: deleted, invalidParameters: invalid)
    }

    func describeParameters(_ input: DescribeParametersInput, _ ctx: CallContext) throws(SSMError) -> DescribeParametersOutput {
        let all = parameters.values.filter { $0.arn.region == ctx.region }.sorted { $0.name < $1.name }
        let (page, next) = try Self.page(all, max: input.maxResults, limit: 50, token: input.nextToken)
        return DescribeParametersOutput(
            parameters: page.map { p in
                ParameterMetadata(
                    name: p.name, arn: p.arn.description, type: p.current.type, description: p.current.description, lastModifiedDate: p.current.modified,
                    version: p.current.version, tier: "Standard", dataType: "text")
            }, nextToken: next)
    }

    func getParameterHistory(_ input: GetParameterHistoryInput, _ ctx: CallContext) throws(SSMError) -> GetParameterHistoryOutput {
        guard let p = parameters[Key(region: ctx.region, name: input.name)] else { throw .notFound(input.name) }
        let (page, next) = try Self.page(p.versions, max: input.maxResults, limit: 50, token: input.nextToken)
        return GetParameterHistoryOutput(
            parameters: page.map { v in
                let shown = view(p, version: v, decrypt: input.withDecryption == true)
                return ParameterHistory(
                    name: p.name, type: v.type, value: shown.value, version: v.version, lastModifiedDate: v.modified, description: v.description,
                    tier: "Standard",
                    dataType: "text")
            }, nextToken: next)
    }
}
