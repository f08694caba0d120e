public import CloudCafeCore
import Foundation
import IAMAPI
import STSAPI

/// IAM: roles, users, their inline and managed policies. IAM is global: its resources
/// have no region.
public actor IAM {
    var roles: [String: Role] = [:]
    var users: [String: User] = [:]
    var policies: [String: ManagedPolicy] = [:]
    /// Temporary credentials from AssumeRole, by access key id.
    var sessions: [String: RoleSession] = [:]
    /// Session policies of live role sessions, by session ARN.
    var sessionPolicies: [String: [String]] = [:]
    /// Policy documents parsed once, by their text.
    var parsedDocuments: [String: PolicyDocument] = [:]
    let account: String
    let ids: IDGenerator

    /// An IAM with AWS's managed policies loaded.
    public init(account: String, ids: IDGenerator = IDGenerator()) {
        self.account = account
        self.ids = ids
        for policy in ManagedPolicy.awsManaged() { policies[policy.arn.description] = policy }
    }

    /// Forgets every role, user, session and customer policy (admin reset); AWS managed policies stay.
    public func reset() {
        roles = [:]
        users = [:]
        sessions = [:]
        policies = policies.filter { $0.value.arn.account == "aws" }
    }

    /// An IAM-style unique id: a four-letter prefix and 17 upper-case letters and digits.
    func uniqueID(_ prefix: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return prefix + String((0..<17).map { _ in alphabet[ids.int(in: 0...(alphabet.count - 1))] })
    }
}

/// A user with its keys and permissions.
struct User: Sendable {
    let name: String
    let path: String
    let arn: ARN
    let userID: String
    let created: Date
    var accessKeys: [AccessKeyRecord] = []
    var inlinePolicies: [String: String] = [:]
    var attachedPolicies: [ARN] = []
    /// A managed policy's ARN capping the user's permissions.
    var permissionsBoundary: String?
}

/// An access key of a user.
struct AccessKeyRecord: Sendable {
    let id: String
    let secret: String
    let created: Date
    var active = true
}

/// Temporary credentials of an assumed role.
struct RoleSession: Sendable {
    let roleArn: ARN
    let sessionName: String
    let secret: String
    let token: String
    let expiration: Date
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
    /// A managed policy's ARN capping the role's permissions.
    var permissionsBoundary: String?

    init(name: String, path: String, arn: ARN, roleID: String, created: Date, assumeRolePolicy: String, description: String?, permissionsBoundary: String?) {
        self.name = name
        self.path = path
        self.arn = arn
        self.roleID = roleID
        self.created = created
        self.assumeRolePolicy = assumeRolePolicy
        self.description = description
        self.permissionsBoundary = permissionsBoundary
    }
}

/// A managed policy (AWS's or the account's).
struct ManagedPolicy: Sendable {
    let name: String
    let arn: ARN
    let path: String
    var defaultVersion: String
    var versions: [(id: String, document: String, created: Date)]
    let created: Date
    var description: String?
    var policyID: String

    var document: String { versions.first { $0.id == defaultVersion }?.document ?? "" }

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
            let created = ISO8601DateFormatter().date(from: json["createDate"]?.stringValue ?? "") ?? Date(timeIntervalSince1970: 0)
            let version = json["defaultVersionId"]?.stringValue ?? "v1"
            let updated = ISO8601DateFormatter().date(from: json["updateDate"]?.stringValue ?? "") ?? created
            // Only the default version's document ships with CloudCafe.
            return ManagedPolicy(
                name: arn.lastComponent, arn: arn, path: json["path"]?.stringValue ?? "/", defaultVersion: version,
                versions: [(version, document.compact, updated)], created: created,
                policyID: "ANPA" + String(arn.lastComponent.uppercased().filter(\.isLetter).prefix(17)))
        }
    }
}

extension IAM: AWSService {
    /// IAM and STS over the query protocol: denials are `AccessDenied`/403, constraint
    /// failures `ValidationError`.
    public nonisolated var declarations: [ServiceDeclaration] {
        let denied = AccessDeniedStyle(code: "AccessDenied", httpStatus: 403)
        return [
            ServiceDeclaration(
                model: IAMOperations.service, validationErrorCode: "ValidationError", accessDenied: denied,
                operations: [
                    bind(Self.getRole),
                    bind(Self.listRoles),
                    bind(Self.updateAssumeRolePolicy),
                    bind(Self.deleteRole),
                    bind(Self.detachRolePolicy),
                    bind(Self.listAttachedRolePolicies),
                    bind(Self.getRolePolicy),
                    bind(Self.listRolePolicies),
                    bind(Self.deleteRolePolicy),
                    bind(Self.createPolicy),
                    bind(Self.getPolicy),
                    bind(Self.getPolicyVersion),
                    bind(Self.listPolicies),
                    bind(Self.deletePolicy),
                    bind(Self.createRole),
                    bind(Self.putRolePolicy),
                    bind(Self.attachRolePolicy),
                    bind(Self.simulatePrincipalPolicy),
                    bind(Self.simulateCustomPolicy),
                    bind(Self.createUser),
                    bind(Self.getUser),
                    bind(Self.listUsers),
                    bind(Self.deleteUser),
                    bind(Self.createAccessKey),
                    bind(Self.listAccessKeys),
                    bind(Self.deleteAccessKey),
                    bind(Self.attachUserPolicy),
                    bind(Self.putUserPolicy),
                    bind(Self.putRolePermissionsBoundary),
                    bind(Self.deleteRolePermissionsBoundary),
                    bind(Self.putUserPermissionsBoundary),
                    bind(Self.deleteUserPermissionsBoundary),
                ]),
            ServiceDeclaration(
                model: STSOperations.service, validationErrorCode: "ValidationError", accessDenied: denied,
                operations: [
                    implement(STSOperations.getCallerIdentity, needsNoPermission: true) { iam, _, ctx in await iam.callerIdentity(ctx) },
                    implement(STSOperations.assumeRole, resource: { i, _ in i.roleArn }, resourcePolicy: { iam, i, _ in await iam.trustPolicy(i.roleArn) }) {
                        try await $0.assumeRole($1, $2)
                    },
                ]),
        ]
    }
}
