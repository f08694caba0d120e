public import CloudCafeCore
import Crypto
import Foundation
import LambdaAPI

// Reading, listing, updating and deleting functions and layers; tags.
extension Lambda {
    func getFunction(_ input: GetFunctionRequest, _ ctx: CallContext) throws(LambdaError) -> GetFunctionResponse {
        let f = try shown(input.functionName, input.qualifier, ctx)
        return GetFunctionResponse(
            configuration: configuration(of: f),
            code: FunctionCodeLocation(repositoryType: "S3", location: "\(publicEndpoint)/_cloudcafe/lambda/\(f.arn.region)/functions/\(f.name)/code.zip"),
            tags: f.tags.isEmpty ? nil : f.tags, concurrency: f.reservedConcurrency.map { Concurrency(reservedConcurrentExecutions: $0) })
    }

    /// Pages of at most 50 with a marker that is the index of the next item, as an opaque
    /// string (the model bounds `MaxItems`).
    static func page<T>(_ items: [T], marker: String?, maxItems: Int?) throws(LambdaError) -> ([T], String?) {
        guard let page = Pagination.page(items, size: min(maxItems ?? 50, 50), token: marker) else { throw .invalid("Invalid marker: \(marker ?? "")") }
        return page
    }

    func listFunctions(_ input: ListFunctionsRequest, _ ctx: CallContext) throws(LambdaError) -> ListFunctionsResponse {
        let all = functions.values.filter { $0.arn.region == ctx.region }.sorted { $0.name < $1.name }
        let (page, next) = try Self.page(all, marker: input.marker, maxItems: input.maxItems)
        return ListFunctionsResponse(nextMarker: next, functions: page.map(configuration(of:)))
    }

    func updateFunctionCode(_ input: UpdateFunctionCodeRequest, _ ctx: CallContext) throws(LambdaError) -> FunctionConfiguration {
        var f = try function(input.functionName, ctx)
        guard let zip = input.zipFile else { throw .invalid("Please provide a source for function code.") }
        guard ZipListing.entryNames(zip) != nil else { throw .invalid("Could not unzip uploaded file. Please check your file, then try to upload again.") }
        try Self.checkRevision(input.revisionId, f.revisionID)
        f.code = zip
        f.codeSha256 = Data(SHA256.hash(data: zip)).base64EncodedString()
        f.lastModified = ctx.now
        f.revisionID = dispatcher.ids.uuid()
        functions[Key(region: ctx.region, name: f.name)] = f
        if input.publish == true { return try publishVersion(PublishVersionRequest(functionName: f.name), ctx) }
        return configuration(of: f)
    }

    func deleteFunction(_ input: DeleteFunctionRequest, _ ctx: CallContext) throws(LambdaError) -> DeleteFunctionResponse {
        let f = try function(input.functionName, ctx)
        if let version = try Self.qualifier(input.functionName, input.qualifier) {
            try deleteVersion(f, version)
            return DeleteFunctionResponse()
        }
        functions[Key(region: ctx.region, name: f.name)] = nil
        return DeleteFunctionResponse()
    }

    func getPolicy(_ input: GetPolicyRequest, _ ctx: CallContext) throws(LambdaError) -> GetPolicyResponse {
        let (f, qualifier) = try qualified(input.functionName, input.qualifier, ctx)
        let policy = f.policy(qualifier)
        guard let doc = Self.policyJSON(policy) else { throw .policyNotFound() }
        return GetPolicyResponse(policy: doc, revisionId: policy.revisionID)
    }

    /// The resource policy of the function (or the qualifier) a call names, as IAM reads it,
    /// or nil when it has no statements.
    public func policyDocument(_ nameOrArn: String, qualifier: String? = nil, _ ctx: CallContext) -> String? {
        guard let (f, q) = try? qualified(nameOrArn, qualifier, ctx) else { return nil }
        return Self.policyJSON(f.policy(q == "$LATEST" ? nil : q))
    }

    static func policyJSON(_ policy: ResourcePolicy) -> String? {
        guard !policy.statements.isEmpty else { return nil }
        return JSONValue.object([
            ("Version", .string("2012-10-17")), ("Id", .string("default")), ("Statement", .array(policy.statements.map(statementJSON))),
        ]).compact
    }

    func removePermission(_ input: RemovePermissionRequest, _ ctx: CallContext) throws(LambdaError) -> EmptyShape {
        var (f, qualifier) = try qualified(input.functionName, input.qualifier, ctx)
        var policy = f.policy(qualifier)
        try Self.checkRevision(input.revisionId, policy.revisionID)
        guard let i = policy.statements.firstIndex(where: { $0.sid == input.statementId }) else {
            throw LambdaError(code: .resourceNotFound, message: "Statement \(input.statementId) is not found in resource policy.")
        }
        policy.statements.remove(at: i)
        policy.revisionID = dispatcher.ids.uuid()
        f.setPolicy(policy, qualifier)
        store(f)
        return EmptyShape()
    }

    func item(_ lv: LayerVersion) -> LayerVersionsListItem {
        LayerVersionsListItem(
            layerVersionArn: lv.arn.description, version: lv.version, description: lv.description, createdDate: Self.timestamp(lv.created),
            compatibleRuntimes: lv.compatibleRuntimes)
    }

    func getLayerVersion(_ input: GetLayerVersionRequest, _ ctx: CallContext) throws(LambdaError) -> GetLayerVersionResponse {
        let arn = ctx.arn("lambda", "layer:\(input.layerName):\(input.versionNumber)")
        guard let lv = layerVersion(arn) else { throw .layerNotFound(arn.description) }
        return GetLayerVersionResponse(
            content: LayerVersionContentOutput(
                location: "\(publicEndpoint)/_cloudcafe/lambda/\(ctx.region)/layers/\(input.layerName)/\(input.versionNumber)/content.zip",
                codeSha256: lv.codeSha256, codeSize: lv.codeSize),
            layerArn: ctx.arn("lambda", "layer:\(input.layerName)").description, layerVersionArn: arn.description, description: lv.description,
            createdDate: Self.timestamp(lv.created), version: lv.version, compatibleRuntimes: lv.compatibleRuntimes)
    }

    func listLayers(_ input: ListLayersRequest, _ ctx: CallContext) throws(LambdaError) -> ListLayersResponse {
        let all = layers.filter { $0.key.region == ctx.region && !$0.value.isEmpty }.sorted { $0.key.name < $1.key.name }
        let (page, next) = try Self.page(all, marker: input.marker, maxItems: input.maxItems)
        return ListLayersResponse(
            nextMarker: next,
            layers: page.compactMap { key, versions in
                versions.last.map {
                    LayersListItem(layerName: key.name, layerArn: ctx.arn("lambda", "layer:\(key.name)").description, latestMatchingVersion: item($0))
                }
            })
    }

    func listLayerVersions(_ input: ListLayerVersionsRequest, _ ctx: CallContext) throws(LambdaError) -> ListLayerVersionsResponse {
        let versions = layers[Key(region: ctx.region, name: input.layerName)] ?? []
        let (page, next) = try Self.page(versions.reversed(), marker: input.marker, maxItems: input.maxItems)
        return ListLayerVersionsResponse(nextMarker: next, layerVersions: page.map(item))
    }

    func deleteLayerVersion(_ input: DeleteLayerVersionRequest, _ ctx: CallContext) -> EmptyShape {
        // Deleting a version that does not exist succeeds, as in AWS. Functions keep their copy.
        layers[Key(region: ctx.region, name: input.layerName)]?.removeAll { $0.version == input.versionNumber }
        return EmptyShape()
    }

    func tag(_ resource: String, adding tags: [String: String], removing keys: [String], _ ctx: CallContext) throws(LambdaError) -> EmptyShape {
        var f = try function(resource, ctx)
        for (k, v) in tags { f.tags[k] = v }
        for k in keys { f.tags[k] = nil }
        try Self.checkTagCount(f.tags)
        functions[Key(region: ctx.region, name: f.name)] = f
        return EmptyShape()
    }

    /// A function carries at most 50 tags.
    static func checkTagCount(_ tags: [String: String]) throws(LambdaError) {
        guard tags.count <= 50 else { throw .invalid("Number of tags exceeds resource tag limit.") }
    }
}
