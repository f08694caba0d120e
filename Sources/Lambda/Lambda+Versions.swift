import CloudCafeCore
import Foundation
import LambdaAPI

// Versions and aliases: immutable published copies of a function, and names for them.
extension Lambda {
    /// The qualifier a name or ARN carries (`name:prod`, `…:function:name:3`), if any.
    static func qualifier(in text: String) -> String? {
        if !text.utf8.contains(UInt8(ascii: ":")) { return nil }
        if let arn = ARN(text), arn.service == "lambda" {
            let parts = arn.resource.pieces(":", omittingEmpty: false)
            return parts.count >= 3 ? String(parts[2]) : nil
        }
        let parts = text.pieces(":", omittingEmpty: false)
        if parts.count >= 3, parts[1] == "function" { return parts.count >= 4 ? String(parts[3]) : nil }
        return parts.count == 2 ? String(parts[1]) : nil
    }

    /// The qualifier of a call: from its name or ARN, or its `Qualifier`; they must agree.
    static func qualifier(_ nameOrArn: String, _ explicit: String?) throws(LambdaError) -> String? {
        let derived = qualifier(in: nameOrArn)
        if let derived, let explicit, derived != explicit {
            throw .invalid("The derived qualifier from the function name does not match the specified qualifier.")
        }
        return explicit ?? derived
    }

    /// The ARN a call names: the function's, qualified when a qualifier is given.
    static func arn(_ f: Function, qualifier: String?) -> String {
        qualifier.map { "\(f.arn.description):\($0)" } ?? f.arn.description
    }

    /// The version a qualifier names, as it runs: `$LATEST`, a published version, or the
    /// version an alias routes this invocation to (its weights drawn from the seeded ids).
    func resolve(_ f: Function, qualifier: String?) throws(LambdaError) -> Function {
        guard let qualifier, qualifier != "$LATEST" else { return f }
        if let v = f.versions.first(where: { $0.version == qualifier }) { return v }
        if let alias = f.aliases[qualifier] {
            var chosen = alias.functionVersion
            if let (extra, weight) = alias.additionalVersionWeights.first, Double(dispatcher.ids.int(in: 0...999_999)) / 1_000_000 < weight {
                chosen = extra
            }
            return try resolve(f, qualifier: chosen)
        }
        throw .functionNotFound(Self.arn(f, qualifier: qualifier))
    }

    /// The function a call names with its qualifier checked to exist.
    func qualified(_ nameOrArn: String, _ explicit: String?, _ ctx: CallContext) throws(LambdaError) -> (Function, String?) {
        let f = try function(nameOrArn, ctx)
        let q = try Self.qualifier(nameOrArn, explicit)
        if let q, q != "$LATEST", !f.versions.contains(where: { $0.version == q }), f.aliases[q] == nil {
            throw .functionNotFound(Self.arn(f, qualifier: q))
        }
        return (f, q)
    }

    /// The configuration a call shows: `$LATEST`, a version, or an alias's version.
    func shown(_ nameOrArn: String, _ explicit: String?, _ ctx: CallContext) throws(LambdaError) -> Function {
        let (f, q) = try qualified(nameOrArn, explicit, ctx)
        guard let q, q != "$LATEST" else { return f }
        if let alias = f.aliases[q] { return try resolve(f, qualifier: alias.functionVersion) }
        return try resolve(f, qualifier: q)
    }

    func store(_ f: Function) {
        functions[Key(region: f.arn.region, name: f.name)] = f
    }

    func publishVersion(_ input: PublishVersionRequest, _ ctx: CallContext) throws(LambdaError) -> FunctionConfiguration {
        var f = try function(input.functionName, ctx)
        if let sha = input.codeSha256, sha != f.codeSha256 {
            throw .invalid(
                "CodeSHA256 (\(sha)) is different from current CodeSHA256 in $LATEST (\(f.codeSha256)). Please try again with the CodeSHA256 in $LATEST.")
        }
        try Self.checkRevision(input.revisionId, f.revisionID)
        // Nothing changed since the newest version: Lambda answers with that version.
        if let last = f.versions.last, f.publishedRevision == f.revisionID { return configuration(of: last) }
        var v = f
        f.lastVersionNumber += 1
        v.version = String(f.lastVersionNumber)
        v.description = input.description ?? f.description
        v.revisionID = dispatcher.ids.uuid()
        v.versions = []
        v.aliases = [:]
        v.qualifiedPolicies = [:]
        v.invokeConfigs = [:]
        v.policy = ResourcePolicy()
        f.versions.append(v)
        f.publishedRevision = f.revisionID
        store(f)
        return configuration(of: v)
    }

    static func checkRevision(_ given: String?, _ current: String) throws(LambdaError) {
        if let given, given != current {
            throw LambdaError(
                code: .preconditionFailed,
                message: "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
        }
    }

    func listVersions(_ input: ListVersionsByFunctionRequest, _ ctx: CallContext) throws(LambdaError) -> ListVersionsByFunctionResponse {
        let f = try function(input.functionName, ctx)
        let (page, next) = try Self.page([f] + f.versions, marker: input.marker, maxItems: input.maxItems)
        return ListVersionsByFunctionResponse(nextMarker: next, versions: page.map(configuration(of:)))
    }

    /// Deletes one published version; one that an alias points to stays.
    func deleteVersion(_ f: Function, _ version: String) throws(LambdaError) {
        guard version != "$LATEST", Int(version) != nil else {
            throw .invalid("Deletion of $LATEST version is not supported through the qualifier; call DeleteFunction without a qualifier.")
        }
        var f = f
        let users = f.aliases.values.filter { $0.functionVersion == version || $0.additionalVersionWeights[version] != nil }.map(\.name).sorted()
        guard users.isEmpty else {
            throw LambdaError(
                code: .resourceConflict, message: "Unable to delete version because the following aliases reference it: [\(users.joined(separator: ", "))]")
        }
        guard let i = f.versions.firstIndex(where: { $0.version == version }) else { throw .functionNotFound(Self.arn(f, qualifier: version)) }
        f.versions.remove(at: i)
        f.invokeConfigs[version] = nil
        f.qualifiedPolicies[version] = nil
        store(f)
    }

    // MARK: - Aliases

    func aliasConfiguration(_ f: Function, _ a: Alias) -> AliasConfiguration {
        AliasConfiguration(
            aliasArn: Self.arn(f, qualifier: a.name), name: a.name, functionVersion: a.functionVersion, description: a.description,
            routingConfig: a.additionalVersionWeights.isEmpty ? nil : AliasRoutingConfiguration(additionalVersionWeights: a.additionalVersionWeights),
            revisionId: a.revisionID)
    }

    /// A version an alias may point to: `$LATEST` or a published one; weights go to one other published version.
    func checkAliasTarget(_ f: Function, version: String, weights: [String: Double]) throws(LambdaError) {
        guard version == "$LATEST" || f.versions.contains(where: { $0.version == version }) else {
            throw .functionNotFound(Self.arn(f, qualifier: version))
        }
        guard weights.count <= 1 else { throw .invalid("Number of items in AdditionalVersionWeights cannot be greater than 1") }
        // The model bounds each weight (0–1) and names only numbered versions.
        for extra in weights.keys {
            guard extra != version else {
                throw .invalid("Invalid function version \(extra). Function version \(extra) is already included in primary version configuration.")
            }
            guard extra != "$LATEST", f.versions.contains(where: { $0.version == extra }) else {
                throw .invalid("Invalid function version \(extra). AdditionalVersionWeights may only reference a published version.")
            }
        }
        if version == "$LATEST", !weights.isEmpty {
            throw .invalid("$LATEST is not supported for an alias pointing to more than 1 version")
        }
    }

    func createAlias(_ input: CreateAliasRequest, _ ctx: CallContext) throws(LambdaError) -> AliasConfiguration {
        var f = try function(input.functionName, ctx)
        guard f.aliases[input.name] == nil else {
            throw LambdaError(code: .resourceConflict, message: "Alias already exists: \(Self.arn(f, qualifier: input.name))")
        }
        guard Int(input.name) == nil, input.name != "$LATEST" else { throw .invalid("Alias name cannot be a version number or $LATEST.") }
        let weights = input.routingConfig?.additionalVersionWeights ?? [:]
        try checkAliasTarget(f, version: input.functionVersion, weights: weights)
        let alias = Alias(
            name: input.name, functionVersion: input.functionVersion, description: input.description ?? "", additionalVersionWeights: weights,
            revisionID: dispatcher.ids.uuid())
        f.aliases[input.name] = alias
        store(f)
        return aliasConfiguration(f, alias)
    }

    func alias(_ f: Function, _ name: String) throws(LambdaError) -> Alias {
        guard let a = f.aliases[name] else {
            throw LambdaError(code: .resourceNotFound, message: "Cannot find alias arn: \(Self.arn(f, qualifier: name))")
        }
        return a
    }

    func getAlias(_ input: GetAliasRequest, _ ctx: CallContext) throws(LambdaError) -> AliasConfiguration {
        let f = try function(input.functionName, ctx)
        return aliasConfiguration(f, try alias(f, input.name))
    }

    func updateAlias(_ input: UpdateAliasRequest, _ ctx: CallContext) throws(LambdaError) -> AliasConfiguration {
        var f = try function(input.functionName, ctx)
        var a = try alias(f, input.name)
        try Self.checkRevision(input.revisionId, a.revisionID)
        let version = input.functionVersion ?? a.functionVersion
        let weights = input.routingConfig.map { $0.additionalVersionWeights ?? [:] } ?? a.additionalVersionWeights
        try checkAliasTarget(f, version: version, weights: weights)
        a.functionVersion = version
        a.additionalVersionWeights = weights
        if let d = input.description { a.description = d }
        a.revisionID = dispatcher.ids.uuid()
        f.aliases[a.name] = a
        store(f)
        return aliasConfiguration(f, a)
    }

    func deleteAlias(_ input: DeleteAliasRequest, _ ctx: CallContext) throws(LambdaError) -> EmptyShape {
        var f = try function(input.functionName, ctx)
        f.aliases[input.name] = nil
        f.invokeConfigs[input.name] = nil
        f.qualifiedPolicies[input.name] = nil
        store(f)
        return EmptyShape()
    }

    func listAliases(_ input: ListAliasesRequest, _ ctx: CallContext) throws(LambdaError) -> ListAliasesResponse {
        let f = try function(input.functionName, ctx)
        let all = f.aliases.values.filter { input.functionVersion == nil || $0.functionVersion == input.functionVersion }.sorted { $0.name < $1.name }
        let (page, next) = try Self.page(all, marker: input.marker, maxItems: input.maxItems)
        return ListAliasesResponse(nextMarker: next, aliases: page.map { aliasConfiguration(f, $0) })
    }
}
