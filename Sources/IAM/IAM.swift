import CloudCafeCore
import Foundation

/// IAM: roles, users, their inline and managed policies. IAM is global: its resources
/// have no region.
public actor IAM {
    var roles: [String: Role] = [:]
    var policies: [String: ManagedPolicy] = [:]
    let account: String

    /// An IAM with AWS's managed policies loaded.
    public init(account: String) {
        self.account = account
        for policy in ManagedPolicy.awsManaged() { policies[policy.arn.description] = policy }
    }

    /// Forgets every role and customer policy (admin reset); AWS managed policies stay.
    public func reset() {
        roles = [:]
        policies = policies.filter { $0.value.arn.account == "aws" }
    }
}

/// A role with its trust policy and permissions.
struct Role: Sendable {
    let name: String
    let path: String
    let arn: ARN
    let roleID: String
    let created: Date
    var assumeRolePolicy: String
    var description: String?
    var inlinePolicies: [String: String] = [:]
    var attachedPolicies: [ARN] = []
}

/// A managed policy (AWS's or the account's).
struct ManagedPolicy: Sendable {
    let name: String
    let arn: ARN
    let path: String
    let defaultVersion: String
    let document: String
    let created: Date

    /// The AWS managed policies shipped with CloudCafe (reference copies of AWS's documents).
    static func awsManaged() -> [ManagedPolicy] {
        guard let folder = Bundle.module.url(forResource: "aws-managed-policies", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [] }
        return names.sorted().compactMap { name in
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)),
                let json = try? JSONValue(parsing: data),
                let arnText = json["arn"]?.stringValue, let arn = ARN(arnText), let document = json["document"]
            else { return nil }
            return ManagedPolicy(
                name: arn.lastComponent, arn: arn, path: json["path"]?.stringValue ?? "/",
                defaultVersion: json["defaultVersionId"]?.stringValue ?? "v1", document: document.compact,
                created: ISO8601DateFormatter().date(from: json["createDate"]?.stringValue ?? "") ?? Date(timeIntervalSince1970: 0))
        }
    }
}
