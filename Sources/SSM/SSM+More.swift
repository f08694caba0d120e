import CloudCafeCore
import SSMAPI
import Foundation

extension SSM {
    func view(_ p: StoredParameter, version v: StoredParameter.Version, decrypt: Bool) -> Parameter {
        let value = v.type == .secureString && !decrypt ? Self.ciphertext(v.value, name: p.name) : v.value
        return Parameter(
            name: p.name, type: v.type.rawValue, value: value, version: v.version, lastModifiedDate: v.modified, arn: p.arn.description, dataType: "text")
    }

    func getParameters(_ input: GetParametersRequest, _ ctx: CallContext) throws(SSMError) -> GetParametersResult {
        var found: [Parameter] = []
        var invalid: [String] = []
        for name in input.names {
            if let p = parameters[Key(region: ctx.region, name: name)] {
                found.append(view(p, version: p.current, decrypt: input.withDecryption == true))
            } else {
                invalid.append(name)
            }
        }
        return GetParametersResult(parameters: found, invalidParameters: invalid)
    }

    /// Pages through `items` with an opaque index token.
    static func page<T>(_ items: [T], max: Int?, limit: Int, token: String?) throws(SSMError) -> ([T], String?) {
        let size = max ?? limit
        guard (1...limit).contains(size) else {
            throw .validation(ConstraintViolation.message([.maxValue("maxResults", "'\(size)'", String(limit))]))
        }
        guard let page = Pagination.page(items, size: size, token: token) else {
            throw SSMError(code: .validation, message: "The specified nextToken is not valid.")
        }
        return page
    }

    func getParametersByPath(_ input: GetParametersByPathRequest, _ ctx: CallContext) throws(SSMError) -> GetParametersByPathResult {
        guard input.path.hasPrefix("/") else {
            throw .validation("The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\".")
        }
        let prefix = input.path.hasSuffix("/") ? input.path : input.path + "/"
        let matching = parameters.values
            .filter { $0.arn.region == ctx.region && $0.name.hasPrefix(prefix) && (input.recursive == true || !$0.name.dropFirst(prefix.count).contains("/")) }
            .sorted { $0.name < $1.name }
        let (page, next) = try Self.page(matching, max: input.maxResults, limit: 10, token: input.nextToken)
        return GetParametersByPathResult(parameters: page.map { view($0, version: $0.current, decrypt: input.withDecryption == true) }, nextToken: next)
    }

    func deleteParameter(_ input: DeleteParameterRequest, _ ctx: CallContext) throws(SSMError) -> DeleteParameterResult {
        guard parameters.removeValue(forKey: Key(region: ctx.region, name: input.name)) != nil else { throw .notFound(input.name) }
        return DeleteParameterResult()
    }

    func deleteParameters(_ input: DeleteParametersRequest, _ ctx: CallContext) throws(SSMError) -> DeleteParametersResult {
        var deleted: [String] = []
        var invalid: [String] = []
        for name in input.names {
            if parameters.removeValue(forKey: Key(region: ctx.region, name: name)) != nil { deleted.append(name) } else { invalid.append(name) }
        }
        return DeleteParametersResult(deletedParameters: deleted, invalidParameters: invalid)
    }

    func describeParameters(_ input: DescribeParametersRequest, _ ctx: CallContext) throws(SSMError) -> DescribeParametersResult {
        let all = parameters.values.filter { $0.arn.region == ctx.region }.sorted { $0.name < $1.name }
        let (page, next) = try Self.page(all, max: input.maxResults, limit: 50, token: input.nextToken)
        return DescribeParametersResult(
            parameters: page.map { p in
                ParameterMetadata(
                    name: p.name, arn: p.arn.description, type: p.current.type.rawValue, lastModifiedDate: p.current.modified, description: p.current.description,
                    version: p.current.version, tier: "Standard", dataType: "text")
            }, nextToken: next)
    }

    func getParameterHistory(_ input: GetParameterHistoryRequest, _ ctx: CallContext) throws(SSMError) -> GetParameterHistoryResult {
        guard let p = parameters[Key(region: ctx.region, name: input.name)] else { throw .notFound(input.name) }
        let (page, next) = try Self.page(p.versions, max: input.maxResults, limit: 50, token: input.nextToken)
        return GetParameterHistoryResult(
            parameters: page.map { v in
                let shown = view(p, version: v, decrypt: input.withDecryption == true)
                return ParameterHistory(
                    name: p.name, type: v.type.rawValue, lastModifiedDate: v.modified, description: v.description, value: shown.value,
                    version: v.version, tier: "Standard", dataType: "text")
            }, nextToken: next)
    }
}
