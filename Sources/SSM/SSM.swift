import CloudCafeCore
import Foundation

/// SSM Parameter Store: parameters with their versions, kept per region.
public actor SSM {
    struct Key: Hashable {
        let region: String
        let name: String
    }

    var parameters: [Key: StoredParameter] = [:]

    public init() {}

    /// Forgets every parameter (admin reset).
    public func reset() { parameters = [:] }
}

/// A parameter's type, as the wire spells it.
public enum ParameterType: String, Sendable, Codable {
    case string = "String"
    case stringList = "StringList"
    case secureString = "SecureString"
}

/// A parameter with its history; the last entry is the current version.
struct StoredParameter: Sendable {
    struct Version: Sendable {
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
