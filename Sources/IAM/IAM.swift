public import CloudCafeCore
public import Foundation
import IAMAPI
import STSAPI
import Synchronization

/// IAM: roles, users, their inline and managed policies. IAM is global: its resources
/// have no region.
public actor IAM {
    // Any change to what a principal's policies are made of forgets the principals' policies
    // gathered so far.
    var roles: [String: StoredRole] = [:] { didSet { gathered.removeAll() } }
    var users: [String: StoredUser] = [:] {
        didSet {
            gathered.removeAll()
            let keys = users.values.flatMap { u in u.accessKeys.filter(\.active).map { ($0.id, u.arn) } }
            signers.withLock { $0.userKeys = Dictionary(keys, uniquingKeysWith: { a, _ in a }) }
        }
    }
    var policies: [String: ManagedPolicy] = [:] { didSet { gathered.removeAll() } }
    /// Temporary credentials from AssumeRole, by access key id.
    var sessions: [String: RoleSession] = [:] { didSet { signers.withLock { $0.sessions = sessions } } }
    /// Who each access key signs as, kept beside the actor's state so that the Gateway reads
    /// it for every request without queueing on the actor behind IAM's own operations.
    let signers = Mutex(Signers())

    struct Signers {
        /// Active keys of users, with the user's ARN.
        var userKeys: [String: ARN] = [:]
        var sessions: [String: RoleSession] = [:]
    }
    /// Session policies of live role sessions, by session ARN.
    var sessionPolicies: [String: [String]] = [:] { didSet { gathered.removeAll() } }
    /// Each principal's policies as `policies(for:)` gathered them: every call is authorized,
    /// and gathering (names lowered, ARNs spelled, documents looked up by their text) cost
    /// more than the evaluation.
    var gathered: [Principal: GatheredPolicies] = [:]
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
struct StoredUser: Sendable, Codable {
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
struct AccessKeyRecord: Sendable, Codable {
    let id: String
    let secret: String
    let created: Date
    var active = true
}

/// Temporary credentials of an assumed role.
struct RoleSession: Sendable, Codable {
    let roleArn: ARN
    let sessionName: String
    let secret: String
    let token: String
    let expiration: Date
}

/// A role with its trust policy and permissions.
struct StoredRole: Sendable, Codable {
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
struct ManagedPolicy: Sendable, Codable {
    let name: String
    let arn: ARN
    let path: String
    var defaultVersion: String
    var versions: [Version]

    struct Version: Sendable, Codable {
        let id: String
        let document: String
        let created: Date
    }
    let created: Date
    var description: String?
    var policyID: String

    var document: String { versions.first { $0.id == defaultVersion }?.document ?? "" }

    /// The AWS managed policies shipped with CloudCafe (reference copies of AWS's documents).
    static func awsManaged() -> [ManagedPolicy] {
        guard let folder = ShippedResource.url(target: "IAM", "aws-managed-policies", isDirectory: true) ?? Bundle.module.url(forResource: "aws-managed-policies", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [] }
        return names.sorted().compactMap { name in
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)),
                let json = try? JSONValue(parsing: data),
                let arnText = json["arn"]?.stringValue, let arn = ARN(arnText), let document = json["document"]
            else { return nil }
            let created = TimeText.instant(json["createDate"]?.stringValue ?? "") ?? Date(timeIntervalSince1970: 0)
            let version = json["defaultVersionId"]?.stringValue ?? "v1"
            let updated = TimeText.instant(json["updateDate"]?.stringValue ?? "") ?? created
            // Only the default version's document ships with CloudCafe.
            return ManagedPolicy(
                name: arn.lastComponent, arn: arn, path: json["path"]?.stringValue ?? "/", defaultVersion: version,
                versions: [.init(id: version, document: document.compact, created: updated)], created: created,
                policyID: "ANPA" + String(arn.lastComponent.uppercased().filter(\.isLetter).prefix(17)))
        }
    }
}

extension IAM: AWSService {
    /// IAM and STS over the query protocol: denials are `AccessDenied`/403, constraint
    /// failures `ValidationError`.
    public nonisolated var declarations: [ServiceDeclaration] {
        let denied = AccessDeniedStyle(code: "AccessDenied", httpStatus: 403)
        let role: @Sendable (String, CallContext) -> String = { name, c in c.arn("iam", "role/\(name)", region: "").description }
        let user: @Sendable (String?, CallContext) -> String = { name, c in c.arn("iam", "user/\(name ?? "*")", region: "").description }
        typealias Op = IAMOperations
        return [
            ServiceDeclaration(
                model: Op.service, validationErrorCode: "ValidationError", accessDenied: denied,
                operations: [
                    implement(Op.createRole, resource: { i, c in c.arn("iam", "role\(i.path ?? "/")\(i.roleName)", region: "").description }) {
                        try await $0.createRole($1, $2)
                    },
                    implement(Op.getRole, resource: { i, c in role(i.roleName, c) }) { iam, i, _ in
                        try await GetRoleResponse(role: iam.describe(iam.role(i.roleName)))
                    },
                    implement(Op.listRoles) { iam, i, _ in try await iam.listRoles(i) },
                    implement(Op.updateAssumeRolePolicy, resource: { i, c in role(i.roleName, c) }) { iam, i, _ in try await iam.updateAssumeRolePolicy(i) },
                    implement(Op.deleteRole, resource: { i, c in role(i.roleName, c) }) { iam, i, _ in try await iam.deleteRole(i.roleName) },
                    implement(Op.putRolePolicy, resource: { i, c in role(i.roleName, c) }) { iam, i, _ in try await iam.putRolePolicy(i) },
                    implement(Op.getRolePolicy, resource: { i, c in role(i.roleName, c) }) { iam, i, _ in try await iam.getRolePolicy(i) },
                    implement(Op.listRolePolicies, resource: { i, c in role(i.roleName, c) }) { iam, i, _ in try await iam.listRolePolicies(i) },
                    implement(Op.deleteRolePolicy, resource: { i, c in role(i.roleName, c) }) { iam, i, _ in try await iam.deleteRolePolicy(i) },
                    implement(Op.attachRolePolicy, resource: { i, c in role(i.roleName, c) }) { iam, i, _ in try await iam.attachRolePolicy(i) },
                    implement(Op.detachRolePolicy, resource: { i, c in role(i.roleName, c) }) { iam, i, _ in try await iam.detachRolePolicy(i) },
                    implement(Op.listAttachedRolePolicies, resource: { i, c in role(i.roleName, c) }) { iam, i, _ in
                        let page = try await iam.attached(iam.role(i.roleName).attachedPolicies, marker: i.marker, maxItems: i.maxItems)
                        return ListAttachedRolePoliciesResponse(attachedPolicies: page.items, isTruncated: page.next != nil, marker: page.next)
                    },
                    implement(Op.putRolePermissionsBoundary, resource: { i, c in role(i.roleName, c) }) { iam, i, _ in
                        try await iam.setBoundary(role: i.roleName, user: nil, i.permissionsBoundary)
                    },
                    implement(Op.deleteRolePermissionsBoundary, resource: { i, c in role(i.roleName, c) }) { iam, i, _ in
                        try await iam.setBoundary(role: i.roleName, user: nil, nil)
                    },
                    implement(Op.createPolicy, resource: { i, c in c.arn("iam", "policy\(i.path ?? "/")\(i.policyName)", region: "").description }) {
                        try await $0.createPolicy($1, $2)
                    },
                    implement(Op.getPolicy, resource: { i, _ in i.policyArn }) { iam, i, _ in try await GetPolicyResponse(policy: iam.describe(iam.policy(i.policyArn))) },
                    implement(Op.getPolicyVersion, resource: { i, _ in i.policyArn }) { iam, i, _ in try await iam.getPolicyVersion(i) },
                    implement(Op.listPolicies) { iam, i, _ in try await iam.listPolicies(i) },
                    implement(Op.deletePolicy, resource: { i, _ in i.policyArn }) { iam, i, _ in try await iam.deletePolicy(i.policyArn) },
                    implement(Op.createUser, resource: { i, c in user(i.userName, c) }) { try await $0.createUser($1, $2) },
                    implement(Op.getUser, resource: { i, c in user(i.userName, c) }) { try await $0.getUser($1, $2) },
                    implement(Op.listUsers) { iam, i, _ in try await iam.listUsers(i) },
                    implement(Op.deleteUser, resource: { i, c in user(i.userName, c) }) { iam, i, _ in try await iam.deleteUser(i.userName) },
                    implement(Op.createAccessKey, resource: { i, c in user(i.userName, c) }) { try await $0.createAccessKey($1, $2) },
                    implement(Op.listAccessKeys, resource: { i, c in user(i.userName, c) }) { iam, i, _ in try await iam.listAccessKeys(i) },
                    implement(Op.deleteAccessKey, resource: { i, c in user(i.userName, c) }) { iam, i, _ in try await iam.deleteAccessKey(i) },
                    implement(Op.attachUserPolicy, resource: { i, c in user(i.userName, c) }) { iam, i, _ in try await iam.attachUserPolicy(i) },
                    implement(Op.putUserPolicy, resource: { i, c in user(i.userName, c) }) { iam, i, _ in try await iam.putUserPolicy(i) },
                    implement(Op.putUserPermissionsBoundary, resource: { i, c in user(i.userName, c) }) { iam, i, _ in
                        try await iam.setBoundary(role: nil, user: i.userName, i.permissionsBoundary)
                    },
                    implement(Op.deleteUserPermissionsBoundary, resource: { i, c in user(i.userName, c) }) { iam, i, _ in
                        try await iam.setBoundary(role: nil, user: i.userName, nil)
                    },
                    implement(Op.simulatePrincipalPolicy, resource: { i, _ in i.policySourceArn }) { iam, i, ctx in
                        try await iam.simulate(Simulation(i), principal: i.policySourceArn, ctx)
                    },
                    implement(Op.simulateCustomPolicy) { iam, i, ctx in try await iam.simulate(Simulation(i), principal: nil, ctx) },
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

extension IAM: StatefulService {
    struct State: Sendable, Codable {
        let roles: [String: StoredRole]
        let users: [String: StoredUser]
        let policies: [String: ManagedPolicy]
        let sessions: [String: RoleSession]
        let sessionPolicies: [String: [String]]
    }

    public nonisolated var stateName: String { "iam" }

    public func captureState() -> any Sendable {
        State(roles: roles, users: users, policies: policies, sessions: sessions, sessionPolicies: sessionPolicies)
    }

    public func restoreState(_ state: any Sendable) {
        guard let s = state as? State else { return }
        (roles, users, policies, sessions, sessionPolicies) = (s.roles, s.users, s.policies, s.sessions, s.sessionPolicies)
        parsedDocuments = [:]
    }

    public nonisolated func encodeState(_ state: any Sendable) throws -> Data { try encode(state, as: State.self) }
    public nonisolated func decodeState(_ data: Data) throws -> any Sendable { try decode(data, as: State.self) }
}
