public import CloudCafeCore
import Crypto
public import Foundation

// MARK: - Shapes (botocore lambda 2015-03-31)

/// Input naming a function (path member).
public struct FunctionNameInput: Sendable, Codable {
    public var functionName: String
    enum CodingKeys: String, CodingKey { case functionName = "FunctionName" }
}

/// Where a function's or layer's code can be downloaded.
public struct CodeLocation: Sendable, Codable {
    public var repositoryType: String
    public var location: String
    enum CodingKeys: String, CodingKey { case repositoryType = "RepositoryType", location = "Location" }
}

/// GetFunction output.
public struct GetFunctionOutput: Sendable, Codable {
    public var configuration: FunctionConfiguration
    public var code: CodeLocation
    public var tags: [String: String]?
    enum CodingKeys: String, CodingKey { case configuration = "Configuration", code = "Code", tags = "Tags" }
}

/// ListFunctions / ListLayers input (query members).
public struct ListInput: Sendable, Codable {
    public var marker: String?
    public var maxItems: Int?
    public var layerName: String?
    enum CodingKeys: String, CodingKey { case marker = "Marker", maxItems = "MaxItems", layerName = "LayerName" }
}

/// ListFunctions output.
public struct ListFunctionsOutput: Sendable, Codable {
    public var functions: [FunctionConfiguration]
    public var nextMarker: String?
    enum CodingKeys: String, CodingKey { case functions = "Functions", nextMarker = "NextMarker" }
}

/// UpdateFunctionCode input.
public struct UpdateFunctionCodeInput: Sendable, Codable {
    public var functionName: String
    public var zipFile: Data?
    enum CodingKeys: String, CodingKey { case functionName = "FunctionName", zipFile = "ZipFile" }
}

/// GetPolicy output.
public struct GetPolicyOutput: Sendable, Codable {
    public var policy: String
    public var revisionId: String
    enum CodingKeys: String, CodingKey { case policy = "Policy", revisionId = "RevisionId" }
}

/// RemovePermission input.
public struct RemovePermissionInput: Sendable, Codable {
    public var functionName: String
    public var statementId: String
    enum CodingKeys: String, CodingKey { case functionName = "FunctionName", statementId = "StatementId" }
    public init(functionName: String, statementId: String) {
        self.functionName = functionName
        self.statementId = statementId
    }
}

/// Input naming a layer version.
public struct LayerVersionInput: Sendable, Codable {
    public var layerName: String
    public var versionNumber: Int
    enum CodingKeys: String, CodingKey { case layerName = "LayerName", versionNumber = "VersionNumber" }
}

/// A layer version's content.
public struct LayerContent: Sendable, Codable {
    public var location: String
    public var codeSha256: String
    public var codeSize: Int
    enum CodingKeys: String, CodingKey { case location = "Location", codeSha256 = "CodeSha256", codeSize = "CodeSize" }
}

/// GetLayerVersion output.
public struct GetLayerVersionOutput: Sendable, Codable {
    public var content: LayerContent
    public var layerArn: String
    public var layerVersionArn: String
    public var description: String
    public var createdDate: String
    public var version: Int
    public var compatibleRuntimes: [String]
    enum CodingKeys: String, CodingKey {
        case content = "Content", layerArn = "LayerArn", layerVersionArn = "LayerVersionArn", description = "Description", createdDate = "CreatedDate"
        case version = "Version", compatibleRuntimes = "CompatibleRuntimes"
    }
}

/// A layer version in a listing.
public struct LayerVersionItem: Sendable, Codable {
    public var layerVersionArn: String
    public var version: Int
    public var description: String
    public var createdDate: String
    public var compatibleRuntimes: [String]
    enum CodingKeys: String, CodingKey {
        case layerVersionArn = "LayerVersionArn", version = "Version", description = "Description", createdDate = "CreatedDate"
        case compatibleRuntimes = "CompatibleRuntimes"
    }
}

/// A layer in ListLayers.
public struct LayerItem: Sendable, Codable {
    public var layerName: String
    public var layerArn: String
    public var latestMatchingVersion: LayerVersionItem
    enum CodingKeys: String, CodingKey { case layerName = "LayerName", layerArn = "LayerArn", latestMatchingVersion = "LatestMatchingVersion" }
}

/// ListLayers output.
public struct ListLayersOutput: Sendable, Codable {
    public var layers: [LayerItem]
    public var nextMarker: String?
    enum CodingKeys: String, CodingKey { case layers = "Layers", nextMarker = "NextMarker" }
}

/// ListLayerVersions output.
public struct ListLayerVersionsOutput: Sendable, Codable {
    public var layerVersions: [LayerVersionItem]
    public var nextMarker: String?
    enum CodingKeys: String, CodingKey { case layerVersions = "LayerVersions", nextMarker = "NextMarker" }
}

/// TagResource / ListTags / UntagResource input.
public struct TagsInput: Sendable, Codable {
    public var resource: String
    public var tags: [String: String]?
    public var tagKeys: [String]?
    enum CodingKeys: String, CodingKey { case resource = "Resource", tags = "Tags", tagKeys = "TagKeys" }
}

/// ListTags output.
public struct ListTagsOutput: Sendable, Codable {
    public var tags: [String: String]
    enum CodingKeys: String, CodingKey { case tags = "Tags" }
}

/// An output with no members.
public struct LambdaEmptyOutput: Sendable, Codable {}

// MARK: - Operations

extension Lambda {
    static func functionResource(_ name: String, _ c: CallContext) -> String { c.arn("lambda", "function:\(functionName(from: name))").description }

    /// GetFunction.
    public static let getFunction = Operation<Lambda, FunctionNameInput, GetFunctionOutput>(
        name: "GetFunction", action: "lambda:GetFunction", resource: { i, c in functionResource(i.functionName, c) }
    ) { lambda, input, ctx in try await lambda.getFunction(input, ctx) }

    /// ListFunctions.
    public static let listFunctions = Operation<Lambda, ListInput, ListFunctionsOutput>(
        name: "ListFunctions", action: "lambda:ListFunctions"
    ) { lambda, input, ctx in try await lambda.listFunctions(input, ctx) }

    /// UpdateFunctionCode.
    public static let updateFunctionCode = Operation<Lambda, UpdateFunctionCodeInput, FunctionConfiguration>(
        name: "UpdateFunctionCode", action: "lambda:UpdateFunctionCode", resource: { i, c in functionResource(i.functionName, c) }
    ) { lambda, input, ctx in try await lambda.updateFunctionCode(input, ctx) }

    /// DeleteFunction.
    public static let deleteFunction = Operation<Lambda, FunctionNameInput, LambdaEmptyOutput>(
        name: "DeleteFunction", action: "lambda:DeleteFunction", resource: { i, c in functionResource(i.functionName, c) }
    ) { lambda, input, ctx in try await lambda.deleteFunction(input, ctx) }

    /// GetPolicy.
    public static let getPolicy = Operation<Lambda, FunctionNameInput, GetPolicyOutput>(
        name: "GetPolicy", action: "lambda:GetPolicy", resource: { i, c in functionResource(i.functionName, c) }
    ) { lambda, input, ctx in try await lambda.getPolicy(input, ctx) }

    /// RemovePermission.
    public static let removePermission = Operation<Lambda, RemovePermissionInput, LambdaEmptyOutput>(
        name: "RemovePermission", action: "lambda:RemovePermission", resource: { i, c in functionResource(i.functionName, c) }
    ) { lambda, input, ctx in try await lambda.removePermission(input, ctx) }

    /// GetLayerVersion.
    public static let getLayerVersion = Operation<Lambda, LayerVersionInput, GetLayerVersionOutput>(
        name: "GetLayerVersion", action: "lambda:GetLayerVersion", resource: { i, c in c.arn("lambda", "layer:\(i.layerName):\(i.versionNumber)").description }
    ) { lambda, input, ctx in try await lambda.getLayerVersion(input, ctx) }

    /// ListLayers.
    public static let listLayers = Operation<Lambda, ListInput, ListLayersOutput>(
        name: "ListLayers", action: "lambda:ListLayers"
    ) { lambda, input, ctx in try await lambda.listLayers(input, ctx) }

    /// ListLayerVersions.
    public static let listLayerVersions = Operation<Lambda, ListInput, ListLayerVersionsOutput>(
        name: "ListLayerVersions", action: "lambda:ListLayerVersions", resource: { i, c in c.arn("lambda", "layer:\(i.layerName ?? "*")").description }
    ) { lambda, input, ctx in try await lambda.listLayerVersions(input, ctx) }

    /// DeleteLayerVersion.
    public static let deleteLayerVersion = Operation<Lambda, LayerVersionInput, LambdaEmptyOutput>(
        name: "DeleteLayerVersion", action: "lambda:DeleteLayerVersion",
        resource: { i, c in c.arn("lambda", "layer:\(i.layerName):\(i.versionNumber)").description }
    ) { lambda, input, ctx in await lambda.deleteLayerVersion(input, ctx) }

    /// TagResource.
    public static let tagResource = Operation<Lambda, TagsInput, LambdaEmptyOutput>(
        name: "TagResource", action: "lambda:TagResource", resource: { i, _ in i.resource }
    ) { lambda, input, ctx in try await lambda.tag(input, ctx) }

    /// UntagResource.
    public static let untagResource = Operation<Lambda, TagsInput, LambdaEmptyOutput>(
        name: "UntagResource", action: "lambda:UntagResource", resource: { i, _ in i.resource }
    ) { lambda, input, ctx in try await lambda.tag(input, ctx) }

    /// ListTags.
    public static let listTags = Operation<Lambda, TagsInput, ListTagsOutput>(
        name: "ListTags", action: "lambda:ListTags", resource: { i, _ in i.resource }
    ) { lambda, input, ctx in try await ListTagsOutput(tags: lambda.function(input.resource, ctx).tags) }

    // MARK: - Implementations

    func getFunction(_ input: FunctionNameInput, _ ctx: CallContext) throws(LambdaError) -> GetFunctionOutput {
        let f = try function(input.functionName, ctx)
        return GetFunctionOutput(
            configuration: configuration(of: f),
            code: CodeLocation(repositoryType: "S3", location: "\(publicEndpoint)/_cloudcafe/lambda/\(f.arn.region)/functions/\(f.name)/code.zip"),
            tags: f.tags.isEmpty ? nil : f.tags)
    }

    /// Pages with a marker that is the index of the next item, as an opaque string.
    static func page<T>(_ items: [T], _ input: ListInput) throws(LambdaError) -> ([T], String?) {
        let size = input.maxItems ?? 50
        guard (1...10_000).contains(size) else {
            throw .validation(
                "1 validation error detected: Value '\(size)' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")
        }
        guard let page = Pagination.page(items, size: min(size, 50), token: input.marker) else { throw .invalid("Invalid marker: \(input.marker ?? "")") }
        return page
    }

    func listFunctions(_ input: ListInput, _ ctx: CallContext) throws(LambdaError) -> ListFunctionsOutput {
        let all = functions.values.filter { $0.arn.region == ctx.region }.sorted { $0.name < $1.name }
        let (page, next) = try Self.page(all, input)
        return ListFunctionsOutput(functions: page.map(configuration(of:)), nextMarker: next)
    }

    func updateFunctionCode(_ input: UpdateFunctionCodeInput, _ ctx: CallContext) throws(LambdaError) -> FunctionConfiguration {
        var f = try function(input.functionName, ctx)
        guard let zip = input.zipFile else { throw .invalid("Please provide a source for function code.") }
        guard ZipListing.entryNames(zip) != nil else { throw .invalid("Could not unzip uploaded file. Please check your file, then try to upload again.") }
        f.code = zip
        f.codeSha256 = Data(SHA256.hash(data: zip)).base64EncodedString()
        f.lastModified = ctx.now
        let key = Key(region: ctx.region, name: f.name)
        functions[key] = f
        idleEnvironments[key] = nil
        return configuration(of: f)
    }

    func deleteFunction(_ input: FunctionNameInput, _ ctx: CallContext) throws(LambdaError) -> LambdaEmptyOutput {
        let f = try function(input.functionName, ctx)
        let key = Key(region: ctx.region, name: f.name)
        functions[key] = nil
        idleEnvironments[key] = nil
        return LambdaEmptyOutput()
    }

    func getPolicy(_ input: FunctionNameInput, _ ctx: CallContext) throws(LambdaError) -> GetPolicyOutput {
        let f = try function(input.functionName, ctx)
        guard let doc = Self.policyJSON(f) else { throw .policyNotFound() }
        return GetPolicyOutput(policy: doc, revisionId: f.policy.revisionID)
    }

    /// A function's resource policy as IAM reads it, or nil when it has no statements.
    public func policyDocument(_ nameOrArn: String, _ ctx: CallContext) -> String? {
        (try? function(nameOrArn, ctx)).flatMap(Self.policyJSON)
    }

    static func policyJSON(_ f: Function) -> String? {
        guard !f.policy.statements.isEmpty else { return nil }
        return JSONValue.object([
            ("Version", .string("2012-10-17")), ("Id", .string("default")), ("Statement", .array(f.policy.statements.map(statementJSON))),
        ]).compact
    }

    func removePermission(_ input: RemovePermissionInput, _ ctx: CallContext) throws(LambdaError) -> LambdaEmptyOutput {
        var f = try function(input.functionName, ctx)
        guard let i = f.policy.statements.firstIndex(where: { $0.sid == input.statementId }) else {
            throw LambdaError(code: .resourceNotFound, message: "Statement \(input.statementId) is not found in resource policy.")
        }
        f.policy.statements.remove(at: i)
        f.policy.revisionID = dispatcher.ids.uuid()
        functions[Key(region: ctx.region, name: f.name)] = f
        return LambdaEmptyOutput()
    }

    func item(_ lv: LayerVersion) -> LayerVersionItem {
        LayerVersionItem(
            layerVersionArn: lv.arn.description, version: lv.version, description: lv.description, createdDate: Self.timestamp(lv.created),
            compatibleRuntimes: lv.compatibleRuntimes)
    }

    func getLayerVersion(_ input: LayerVersionInput, _ ctx: CallContext) throws(LambdaError) -> GetLayerVersionOutput {
        let arn = ctx.arn("lambda", "layer:\(input.layerName):\(input.versionNumber)")
        guard let lv = layerVersion(arn) else { throw .layerNotFound(arn.description) }
        return GetLayerVersionOutput(
            content: LayerContent(
                location: "\(publicEndpoint)/_cloudcafe/lambda/\(ctx.region)/layers/\(input.layerName)/\(input.versionNumber)/content.zip",
                codeSha256: lv.codeSha256, codeSize: lv.codeSize),
            layerArn: ctx.arn("lambda", "layer:\(input.layerName)").description, layerVersionArn: arn.description, description: lv.description,
            createdDate: Self.timestamp(lv.created), version: lv.version, compatibleRuntimes: lv.compatibleRuntimes)
    }

    func listLayers(_ input: ListInput, _ ctx: CallContext) throws(LambdaError) -> ListLayersOutput {
        let all = layers.filter { $0.key.region == ctx.region && !$0.value.isEmpty }.sorted { $0.key.name < $1.key.name }
        let (page, next) = try Self.page(all, input)
        return ListLayersOutput(
            layers: page.compactMap { key, versions in
                versions.last.map {
                    LayerItem(layerName: key.name, layerArn: ctx.arn("lambda", "layer:\(key.name)").description, latestMatchingVersion: item($0))
                }
            }, nextMarker: next)
    }

    func listLayerVersions(_ input: ListInput, _ ctx: CallContext) throws(LambdaError) -> ListLayerVersionsOutput {
        let versions = layers[Key(region: ctx.region, name: input.layerName ?? "")] ?? []
        let (page, next) = try Self.page(versions.reversed(), input)
        return ListLayerVersionsOutput(layerVersions: page.map(item), nextMarker: next)
    }

    func deleteLayerVersion(_ input: LayerVersionInput, _ ctx: CallContext) -> LambdaEmptyOutput {
        // Deleting a version that does not exist succeeds, as in AWS. Functions keep their copy.
        layers[Key(region: ctx.region, name: input.layerName)]?.removeAll { $0.version == input.versionNumber }
        return LambdaEmptyOutput()
    }

    func tag(_ input: TagsInput, _ ctx: CallContext) throws(LambdaError) -> LambdaEmptyOutput {
        var f = try function(input.resource, ctx)
        for (k, v) in input.tags ?? [:] { f.tags[k] = v }
        for k in input.tagKeys ?? [] { f.tags[k] = nil }
        functions[Key(region: ctx.region, name: f.name)] = f
        return LambdaEmptyOutput()
    }
}
