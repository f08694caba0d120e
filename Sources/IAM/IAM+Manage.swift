public import CloudCafeCore
public import Foundation

// MARK: - Shapes (botocore iam 2010-05-08)

/// Input naming a role.
public struct RoleNameInput: Sendable, Codable {
    public var roleName: String
    public var marker: String?
    public var maxItems: Int?
    enum CodingKeys: String, CodingKey { case roleName = "RoleName", marker = "Marker", maxItems = "MaxItems" }
}

/// ListRoles / ListUsers / ListPolicies input.
public struct ListIAMInput: Sendable, Codable {
    public var pathPrefix: String?
    public var marker: String?
    public var maxItems: Int?
    public var scope: String?
    public var onlyAttached: Bool?
    enum CodingKeys: String, CodingKey {
        case pathPrefix = "PathPrefix", marker = "Marker", maxItems = "MaxItems", scope = "Scope", onlyAttached = "OnlyAttached"
    }
}

/// ListRoles output.
public struct ListRolesOutput: Sendable, Codable {
    public var roles: [RoleDescription]
    public var isTruncated: Bool
    public var marker: String?
    enum CodingKeys: String, CodingKey { case roles = "Roles", isTruncated = "IsTruncated", marker = "Marker" }
}

/// UpdateAssumeRolePolicy input.
public struct UpdateAssumeRolePolicyInput: Sendable, Codable {
    public var roleName: String
    public var policyDocument: String
    enum CodingKeys: String, CodingKey { case roleName = "RoleName", policyDocument = "PolicyDocument" }
}

/// An attached managed policy.
public struct AttachedPolicy: Sendable, Codable {
    public var policyName: String
    public var policyArn: String
    enum CodingKeys: String, CodingKey { case policyName = "PolicyName", policyArn = "PolicyArn" }
}

/// ListAttachedRolePolicies output.
public struct ListAttachedPoliciesOutput: Sendable, Codable {
    public var attachedPolicies: [AttachedPolicy]
    public var isTruncated: Bool
    public var marker: String?
    enum CodingKeys: String, CodingKey { case attachedPolicies = "AttachedPolicies", isTruncated = "IsTruncated", marker = "Marker" }
}

/// Input naming a role's inline policy.
public struct RolePolicyInput: Sendable, Codable {
    public var roleName: String
    public var policyName: String
    enum CodingKeys: String, CodingKey { case roleName = "RoleName", policyName = "PolicyName" }
    public init(roleName: String, policyName: String) {
        self.roleName = roleName
        self.policyName = policyName
    }
}

/// GetRolePolicy output.
public struct GetRolePolicyOutput: Sendable, Codable {
    public var roleName: String
    public var policyName: String
    public var policyDocument: String
    enum CodingKeys: String, CodingKey { case roleName = "RoleName", policyName = "PolicyName", policyDocument = "PolicyDocument" }
}

/// ListRolePolicies output.
public struct ListPolicyNamesOutput: Sendable, Codable {
    public var policyNames: [String]
    public var isTruncated: Bool
    public var marker: String?
    enum CodingKeys: String, CodingKey { case policyNames = "PolicyNames", isTruncated = "IsTruncated", marker = "Marker" }
}

/// CreatePolicy input.
public struct CreatePolicyInput: Sendable, Codable {
    public var policyName: String
    public var path: String?
    public var policyDocument: String
    public var description: String?
    enum CodingKeys: String, CodingKey { case policyName = "PolicyName", path = "Path", policyDocument = "PolicyDocument", description = "Description" }
}

/// A managed policy as IAM describes it.
public struct PolicyDescription: Sendable, Codable {
    public var policyName: String
    public var policyId: String
    public var arn: String
    public var path: String
    public var defaultVersionId: String
    public var attachmentCount: Int
    public var permissionsBoundaryUsageCount: Int
    public var isAttachable: Bool
    public var description: String?
    public var createDate: Date
    public var updateDate: Date
    enum CodingKeys: String, CodingKey {
        case policyName = "PolicyName", policyId = "PolicyId", arn = "Arn", path = "Path", defaultVersionId = "DefaultVersionId"
        case attachmentCount = "AttachmentCount", permissionsBoundaryUsageCount = "PermissionsBoundaryUsageCount", isAttachable = "IsAttachable"
        case description = "Description", createDate = "CreateDate", updateDate = "UpdateDate"
    }
}

/// CreatePolicy / GetPolicy output.
public struct PolicyOutput: Sendable, Codable {
    public var policy: PolicyDescription
    enum CodingKeys: String, CodingKey { case policy = "Policy" }
}

/// Input naming a managed policy.
public struct PolicyArnInput: Sendable, Codable {
    public var policyArn: String
    public var versionId: String?
    enum CodingKeys: String, CodingKey { case policyArn = "PolicyArn", versionId = "VersionId" }
}

/// A policy version.
public struct PolicyVersionDescription: Sendable, Codable {
    public var document: String
    public var versionId: String
    public var isDefaultVersion: Bool
    public var createDate: Date
    enum CodingKeys: String, CodingKey { case document = "Document", versionId = "VersionId", isDefaultVersion = "IsDefaultVersion", createDate = "CreateDate" }
}

/// GetPolicyVersion output.
public struct PolicyVersionOutput: Sendable, Codable {
    public var policyVersion: PolicyVersionDescription
    enum CodingKeys: String, CodingKey { case policyVersion = "PolicyVersion" }
}

/// ListPolicies output.
public struct ListPoliciesOutput: Sendable, Codable {
    public var policies: [PolicyDescription]
    public var isTruncated: Bool
    public var marker: String?
    enum CodingKeys: String, CodingKey { case policies = "Policies", isTruncated = "IsTruncated", marker = "Marker" }
}

// MARK: - Operations

extension IAM {
    static func roleResource(_ name: String, _ c: CallContext) -> String { c.arn("iam", "role/\(name)", region: "").description }

    /// GetRole.
    public static let getRole = Operation<IAM, RoleNameInput, RoleOutput>(
        name: "GetRole", action: "iam:GetRole", resource: { i, c in roleResource(i.roleName, c) }
    ) { iam, input, _ in try await RoleOutput(role: iam.describe(iam.role(input.roleName))) }

    /// ListRoles.
    public static let listRoles = Operation<IAM, ListIAMInput, ListRolesOutput>(name: "ListRoles", action: "iam:ListRoles") { iam, input, _ in
        try await iam.listRoles(input)
    }

    /// UpdateAssumeRolePolicy.
    public static let updateAssumeRolePolicy = Operation<IAM, UpdateAssumeRolePolicyInput, IAMEmptyOutput>(
        name: "UpdateAssumeRolePolicy", action: "iam:UpdateAssumeRolePolicy", resource: { i, c in roleResource(i.roleName, c) }
    ) { iam, input, _ in try await iam.updateAssumeRolePolicy(input) }

    /// DeleteRole.
    public static let deleteRole = Operation<IAM, RoleNameInput, IAMEmptyOutput>(
        name: "DeleteRole", action: "iam:DeleteRole", resource: { i, c in roleResource(i.roleName, c) }
    ) { iam, input, _ in try await iam.deleteRole(input) }

    /// DetachRolePolicy.
    public static let detachRolePolicy = Operation<IAM, AttachRolePolicyInput, IAMEmptyOutput>(
        name: "DetachRolePolicy", action: "iam:DetachRolePolicy", resource: { i, c in roleResource(i.roleName, c) }
    ) { iam, input, _ in try await iam.detachRolePolicy(input) }

    /// ListAttachedRolePolicies.
    public static let listAttachedRolePolicies = Operation<IAM, RoleNameInput, ListAttachedPoliciesOutput>(
        name: "ListAttachedRolePolicies", action: "iam:ListAttachedRolePolicies", resource: { i, c in roleResource(i.roleName, c) }
    ) { iam, input, _ in try await iam.attached(iam.role(input.roleName).attachedPolicies, marker: input.marker, maxItems: input.maxItems) }

    /// GetRolePolicy.
    public static let getRolePolicy = Operation<IAM, RolePolicyInput, GetRolePolicyOutput>(
        name: "GetRolePolicy", action: "iam:GetRolePolicy", resource: { i, c in roleResource(i.roleName, c) }
    ) { iam, input, _ in try await iam.getRolePolicy(input) }

    /// ListRolePolicies.
    public static let listRolePolicies = Operation<IAM, RoleNameInput, ListPolicyNamesOutput>(
        name: "ListRolePolicies", action: "iam:ListRolePolicies", resource: { i, c in roleResource(i.roleName, c) }
    ) { iam, input, _ in
        let names = try await iam.role(input.roleName).inlinePolicies.keys.sorted()
        let (page, next) = try IAM.page(names, marker: input.marker, maxItems: input.maxItems)
        return ListPolicyNamesOutput(policyNames: page, isTruncated: next != nil, marker: next)
    }

    /// DeleteRolePolicy.
    public static let deleteRolePolicy = Operation<IAM, RolePolicyInput, IAMEmptyOutput>(
        name: "DeleteRolePolicy", action: "iam:DeleteRolePolicy", resource: { i, c in roleResource(i.roleName, c) }
    ) { iam, input, _ in try await iam.deleteRolePolicy(input) }

    /// CreatePolicy.
    public static let createPolicy = Operation<IAM, CreatePolicyInput, PolicyOutput>(
        name: "CreatePolicy", action: "iam:CreatePolicy", resource: { i, c in c.arn("iam", "policy\(i.path ?? "/")\(i.policyName)", region: "").description }
    ) { iam, input, ctx in try await iam.createPolicy(input, ctx) }

    /// GetPolicy.
    public static let getPolicy = Operation<IAM, PolicyArnInput, PolicyOutput>(
        name: "GetPolicy", action: "iam:GetPolicy", resource: { i, _ in i.policyArn }
    ) { iam, input, _ in try await iam.getPolicy(input) }

    /// GetPolicyVersion.
    public static let getPolicyVersion = Operation<IAM, PolicyArnInput, PolicyVersionOutput>(
        name: "GetPolicyVersion", action: "iam:GetPolicyVersion", resource: { i, _ in i.policyArn }
    ) { iam, input, _ in try await iam.getPolicyVersion(input) }

    /// ListPolicies.
    public static let listPolicies = Operation<IAM, ListIAMInput, ListPoliciesOutput>(name: "ListPolicies", action: "iam:ListPolicies") { iam, input, _ in
        try await iam.listPolicies(input)
    }

    /// DeletePolicy.
    public static let deletePolicy = Operation<IAM, PolicyArnInput, IAMEmptyOutput>(
        name: "DeletePolicy", action: "iam:DeletePolicy", resource: { i, _ in i.policyArn }
    ) { iam, input, _ in try await iam.deletePolicy(input) }

    // MARK: - Implementations

    func role(_ name: String) throws(IAMError) -> Role {
        guard let r = roles[name.lowercased()] else { throw .roleNotFound(name) }
        return r
    }

    /// IAM's marker paging: `IsTruncated` and an opaque `Marker`.
    static func page<T>(_ items: [T], marker: String?, maxItems: Int?) throws(IAMError) -> ([T], String?) {
        let size = maxItems ?? 100
        guard (1...1000).contains(size) else {
            throw .init(
                code: .validationError,
                message:
                    "1 validation error detected: Value '\(size)' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000"
            )
        }
        guard let page = Pagination.page(items, size: size, token: marker) else { throw .init(code: .invalidInput, message: "Invalid Marker.") }
        return page
    }

    func listRoles(_ input: ListIAMInput) throws(IAMError) -> ListRolesOutput {
        let all = roles.values.filter { $0.path.hasPrefix(input.pathPrefix ?? "/") }.sorted { $0.name < $1.name }.map(describe)
        let (page, next) = try Self.page(all, marker: input.marker, maxItems: input.maxItems)
        return ListRolesOutput(roles: page, isTruncated: next != nil, marker: next)
    }

    func updateAssumeRolePolicy(_ input: UpdateAssumeRolePolicyInput) throws(IAMError) -> IAMEmptyOutput {
        var r = try role(input.roleName)
        try Self.checkTrustPolicy(input.policyDocument)
        r.assumeRolePolicy = input.policyDocument
        roles[r.name.lowercased()] = r
        return IAMEmptyOutput()
    }

    func deleteRole(_ input: RoleNameInput) throws(IAMError) -> IAMEmptyOutput {
        let r = try role(input.roleName)
        guard r.attachedPolicies.isEmpty else { throw .init(code: .deleteConflict, message: "Cannot delete entity, must detach all policies first.") }
        guard r.inlinePolicies.isEmpty else { throw .init(code: .deleteConflict, message: "Cannot delete entity, must delete policies first.") }
        roles[r.name.lowercased()] = nil
        return IAMEmptyOutput()
    }

    func detachRolePolicy(_ input: AttachRolePolicyInput) throws(IAMError) -> IAMEmptyOutput {
        var r = try role(input.roleName)
        guard let i = r.attachedPolicies.firstIndex(where: { $0.description == input.policyArn }) else {
            throw .init(code: .noSuchEntity, message: "Policy \(input.policyArn) was not found.")
        }
        r.attachedPolicies.remove(at: i)
        roles[r.name.lowercased()] = r
        return IAMEmptyOutput()
    }

    func attached(_ arns: [ARN], marker: String?, maxItems: Int?) throws(IAMError) -> ListAttachedPoliciesOutput {
        let all = arns.map { AttachedPolicy(policyName: $0.lastComponent, policyArn: $0.description) }
        let (page, next) = try Self.page(all, marker: marker, maxItems: maxItems)
        return ListAttachedPoliciesOutput(attachedPolicies: page, isTruncated: next != nil, marker: next)
    }

    func getRolePolicy(_ input: RolePolicyInput) throws(IAMError) -> GetRolePolicyOutput {
        let r = try role(input.roleName)
        guard let doc = r.inlinePolicies[input.policyName] else {
            throw .init(code: .noSuchEntity, message: "The role policy with name \(input.policyName) cannot be found.")
        }
        return GetRolePolicyOutput(roleName: r.name, policyName: input.policyName, policyDocument: Self.urlEncoded(doc))
    }

    func deleteRolePolicy(_ input: RolePolicyInput) throws(IAMError) -> IAMEmptyOutput {
        var r = try role(input.roleName)
        guard r.inlinePolicies.removeValue(forKey: input.policyName) != nil else {
            throw .init(code: .noSuchEntity, message: "The role policy with name \(input.policyName) cannot be found.")
        }
        roles[r.name.lowercased()] = r
        return IAMEmptyOutput()
    }

    func attachmentCount(_ arn: ARN) -> Int {
        roles.values.filter { $0.attachedPolicies.contains(arn) }.count + users.values.filter { $0.attachedPolicies.contains(arn) }.count
    }

    func describe(_ p: ManagedPolicy) -> PolicyDescription {
        PolicyDescription(
            policyName: p.name, policyId: p.policyID, arn: p.arn.description, path: p.path, defaultVersionId: p.defaultVersion,
            attachmentCount: attachmentCount(p.arn), permissionsBoundaryUsageCount: 0, isAttachable: true, description: p.description,
            createDate: p.created, updateDate: p.versions.last?.created ?? p.created)
    }

    func createPolicy(_ input: CreatePolicyInput, _ ctx: CallContext) throws(IAMError) -> PolicyOutput {
        try Self.validateName(input.policyName, member: "policyName", max: 128)
        try Self.checkPermissionsPolicy(input.policyDocument)
        let path = input.path ?? "/"
        let arn = ctx.arn("iam", "policy\(path)\(input.policyName)", region: "")
        guard policies[arn.description] == nil else {
            throw .init(code: .entityAlreadyExists, message: "A policy called \(input.policyName) already exists. Duplicate names are not allowed.")
        }
        let policy = ManagedPolicy(
            name: input.policyName, arn: arn, path: path, defaultVersion: "v1", versions: [("v1", input.policyDocument, ctx.now)], created: ctx.now,
            description: input.description, policyID: uniqueID("ANPA"))
        policies[arn.description] = policy
        return PolicyOutput(policy: describe(policy))
    }

    func policy(_ arn: String) throws(IAMError) -> ManagedPolicy {
        guard let p = policies[arn] else { throw .init(code: .noSuchEntity, message: "Policy \(arn) was not found.") }
        return p
    }

    func getPolicy(_ input: PolicyArnInput) throws(IAMError) -> PolicyOutput {
        PolicyOutput(policy: describe(try policy(input.policyArn)))
    }

    func getPolicyVersion(_ input: PolicyArnInput) throws(IAMError) -> PolicyVersionOutput {
        let p = try policy(input.policyArn)
        let id = input.versionId ?? p.defaultVersion
        guard let v = p.versions.first(where: { $0.id == id }) else {
            throw .init(code: .noSuchEntity, message: "Policy \(input.policyArn) version \(id) does not exist or is not attachable.")
        }
        return PolicyVersionOutput(
            policyVersion: PolicyVersionDescription(
                document: Self.urlEncoded(v.document), versionId: v.id, isDefaultVersion: v.id == p.defaultVersion, createDate: v.created))
    }

    func listPolicies(_ input: ListIAMInput) throws(IAMError) -> ListPoliciesOutput {
        let scope = input.scope ?? "All"
        guard ["All", "AWS", "Local"].contains(scope) else {
            throw .init(
                code: .validationError,
                message:
                    "1 validation error detected: Value '\(scope)' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]"
            )
        }
        let all = policies.values
            .filter { p in
                let isAWS = p.arn.account == "aws"
                return (scope == "All" || (scope == "AWS") == isAWS) && p.path.hasPrefix(input.pathPrefix ?? "/")
                    && (input.onlyAttached != true || attachmentCount(p.arn) > 0)
            }
            .sorted { $0.name < $1.name }
            .map(describe)
        let (page, next) = try Self.page(all, marker: input.marker, maxItems: input.maxItems)
        return ListPoliciesOutput(policies: page, isTruncated: next != nil, marker: next)
    }

    func deletePolicy(_ input: PolicyArnInput) throws(IAMError) -> IAMEmptyOutput {
        let p = try policy(input.policyArn)
        guard p.arn.account != "aws" else { throw .init(code: .invalidInput, message: "An AWS managed policy cannot be deleted.") }
        guard attachmentCount(p.arn) == 0 else { throw .init(code: .deleteConflict, message: "Cannot delete a policy attached to entities.") }
        policies[input.policyArn] = nil
        return IAMEmptyOutput()
    }

    static func validateName(_ name: String, member: String, max: Int) throws(IAMError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-")
        guard (1...max).contains(name.count), name.allSatisfy(allowed.contains) else {
            throw .init(
                code: .validationError,
                message:
                    "1 validation error detected: Value '\(name)' at '\(member)' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
            )
        }
    }
}
