public import CloudCafeCore
public import Foundation
import SSMAPI

/// SSM Parameter Store: parameters with their versions, kept per region.
public actor SSM {
    struct Key: Hashable, Codable {
        let region: String
        let name: String
    }

    var parameters: [Key: StoredParameter] = [:]

    public init() {}

    /// Forgets every parameter (admin reset).
    public func reset() { parameters = [:] }
}

extension SSM: AWSService {
    /// SSM over JSON 1.1; constraint failures are `ValidationException`, denials `AccessDeniedException`/400.
    public nonisolated var declarations: [ServiceDeclaration] {
        let arn: @Sendable (String, CallContext) -> String = { name, ctx in Self.parameterArn(name, ctx).description }
        return [
            ServiceDeclaration(
                model: SSMOperations.service, validationErrorCode: "ValidationException",
                accessDenied: AccessDeniedStyle(code: "AccessDeniedException", httpStatus: 400),
                operations: [
                    implement(SSMOperations.putParameter, resource: { i, c in arn(i.name, c) }) { try await $0.putParameter($1, $2) },
                    implement(SSMOperations.getParameter, resource: { i, c in arn(i.name, c) }) { try await $0.getParameter($1, $2) },
                    implement(SSMOperations.getParameters, resource: { i, c in i.names.first.map { arn($0, c) } }) { try await $0.getParameters($1, $2) },
                    implement(SSMOperations.getParametersByPath, resource: { i, c in arn(i.path, c) }) { try await $0.getParametersByPath($1, $2) },
                    implement(SSMOperations.deleteParameter, resource: { i, c in arn(i.name, c) }) { try await $0.deleteParameter($1, $2) },
                    implement(SSMOperations.deleteParameters, resource: { i, c in i.names.first.map { arn($0, c) } }) {
                        try await $0.deleteParameters($1, $2)
                    },
                    implement(SSMOperations.describeParameters) { try await $0.describeParameters($1, $2) },
                    implement(SSMOperations.getParameterHistory, resource: { i, c in arn(i.name, c) }) { try await $0.getParameterHistory($1, $2) },
                ])
        ]
    }
}

/// A parameter's type, as the wire spells it.
enum ParameterType: String, Sendable, Codable {
    case string = "String"
    case stringList = "StringList"
    case secureString = "SecureString"
}

/// A parameter with its history; the last entry is the current version.
struct StoredParameter: Sendable, Codable {
    struct Version: Sendable, Codable {
        let value: String
        let type: ParameterType
        let description: String?
        let modified: Date
        let version: Int
    }

    let name: String
    let arn: ARN
    var versions: [Version]

    var current: Version { versions[versions.count - 1] }
}

extension SSM: StatefulService {
    public nonisolated var stateName: String { "ssm" }
    public func captureState() -> any Sendable { parameters }

    public func restoreState(_ state: any Sendable) {
        if let p = state as? [Key: StoredParameter] { parameters = p }
    }

    public nonisolated func encodeState(_ state: any Sendable) throws -> Data { try encode(state, as: [Key: StoredParameter].self) }
    public nonisolated func decodeState(_ data: Data) throws -> any Sendable { try decode(data, as: [Key: StoredParameter].self) }
}
