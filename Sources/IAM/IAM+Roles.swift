public import CloudCafeCore
public import Foundation

// MARK: - Shapes (botocore iam 2010-05-08)

/// CreateRole input.
public struct CreateRoleInput: Sendable, Codable {
    public var roleName: String
    public var assumeRolePolicyDocument: String
    public var path: String?
    public var description: String?
    public var permissionsBoundary: String?
    enum CodingKeys: String, CodingKey {
        case roleName = "RoleName", assumeRolePolicyDocument = "AssumeRolePolicyDocument", path = "Path", description = "Description"
        case permissionsBoundary = "PermissionsBoundary"
    }
    public init(roleName: String, assumeRolePolicyDocument: String, path: String? = nil, description: String? = nil) {
        self.roleName = roleName
        self.assumeRolePolicyDocument = assumeRolePolicyDocument
        self.path = path
        self.description = description
    }
}

/// A role as IAM returns it.
public struct RoleDescription: Sendable, Codable {
    public var path: String
    public var roleName: String
    public var roleId: String
    public var arn: String
    public var createDate: Date
    /// URL-encoded, as IAM returns policy documents.
    public var assumeRolePolicyDocument: String
    public var description: String?
    public var maxSessionDuration: Int
    public var permissionsBoundary: AttachedPermissionsBoundary?
    enum CodingKeys: String, CodingKey {
        case path = "Path", roleName = "RoleName", roleId = "RoleId", arn = "Arn", createDate = "CreateDate"
        case assumeRolePolicyDocument = "AssumeRolePolicyDocument", description = "Description", maxSessionDuration = "MaxSessionDuration"
        case permissionsBoundary = "PermissionsBoundary"
    }
}

/// A permissions boundary as IAM describes it.
public struct AttachedPermissionsBoundary: Sendable, Codable {
    public var permissionsBoundaryType: String
    public var permissionsBoundaryArn: String
    enum CodingKeys: String, CodingKey { case permissionsBoundaryType = "PermissionsBoundaryType", permissionsBoundaryArn = "PermissionsBoundaryArn" }
}

/// CreateRole / GetRole output.
public struct RoleOutput: Sendable, Codable {
    public var role: RoleDescription
    enum CodingKeys: String, CodingKey { case role = "Role" }
}

/// PutRolePolicy input.
public struct PutRolePolicyInput: Sendable, Codable {
    public var roleName: String
    public var policyName: String
    public var policyDocument: String
    enum CodingKeys: String, CodingKey { case roleName = "RoleName", policyName = "PolicyName", policyDocument = "PolicyDocument" }
    public init(roleName: String, policyName: String, policyDocument: String) {
        self.roleName = roleName
        self.policyName = policyName
        self.policyDocument = policyDocument
    }
}

/// AttachRolePolicy input.
public struct AttachRolePolicyInput: Sendable, Codable {
    public var roleName: String
    public var policyArn: String
    enum CodingKeys: String, CodingKey { case roleName = "RoleName", policyArn = "PolicyArn" }
    public init(roleName: String, policyArn: String) {
        self.roleName = roleName
        self.policyArn = policyArn
    }
}

/// An output with no members.
public struct IAMEmptyOutput: Sendable, Codable {}

// MARK: - Operations

extension IAM {
    /// CreateRole.
    public static let createRole = Operation<IAM, CreateRoleInput, RoleOutput>(
        name: "CreateRole", action: "iam:CreateRole", resource: { i, c in c.arn("iam", "role\(i.path ?? "/")\(i.roleName)", region: "").description }
    ) { iam, input, ctx in try await iam.createRole(input, ctx) }

    /// PutRolePolicy.
    public static let putRolePolicy = Operation<IAM, PutRolePolicyInput, IAMEmptyOutput>(
        name: "PutRolePolicy", action: "iam:PutRolePolicy", resource: { i, c in c.arn("iam", "role/\(i.roleName)", region: "").description }
    ) { iam, input, ctx in try await iam.putRolePolicy(input, ctx) }

    /// AttachRolePolicy.
    public static let attachRolePolicy = Operation<IAM, AttachRolePolicyInput, IAMEmptyOutput>(
        name: "AttachRolePolicy", action: "iam:AttachRolePolicy", resource: { i, c in c.arn("iam", "role/\(i.roleName)", region: "").description }
    ) { iam, input, ctx in try await iam.attachRolePolicy(input, ctx) }

    func createRole(_ input: CreateRoleInput, _ ctx: CallContext) throws(IAMError) -> RoleOutput {
        try Self.validateName(input.roleName, member: "roleName", max: 64)
        guard roles[input.roleName.lowercased()] == nil else { throw .roleExists(input.roleName) }
        try Self.checkTrustPolicy(input.assumeRolePolicyDocument)
        let path = input.path ?? "/"
        let role = Role(
            name: input.roleName, path: path, arn: ctx.arn("iam", "role\(path)\(input.roleName)", region: ""),
            roleID: uniqueID("AROA"),
            created: ctx.now, assumeRolePolicy: input.assumeRolePolicyDocument, description: input.description,
            permissionsBoundary: try input.permissionsBoundary.map { (arn: String) throws(IAMError) -> String in
                _ = try policy(arn); return arn
            })
        // Role names are unique case-insensitively.
        roles[input.roleName.lowercased()] = role
        return RoleOutput(role: describe(role))
    }

    func putRolePolicy(_ input: PutRolePolicyInput, _ ctx: CallContext) throws(IAMError) -> IAMEmptyOutput {
        guard var role = roles[input.roleName.lowercased()] else { throw .roleNotFound(input.roleName) }
        try Self.checkPermissionsPolicy(input.policyDocument)
        role.inlinePolicies[input.policyName] = input.policyDocument
        roles[input.roleName.lowercased()] = role
        return IAMEmptyOutput()
    }

    func attachRolePolicy(_ input: AttachRolePolicyInput, _ ctx: CallContext) throws(IAMError) -> IAMEmptyOutput {
        guard var role = roles[input.roleName.lowercased()] else { throw .roleNotFound(input.roleName) }
        guard let policy = policies[input.policyArn] else { throw .policyNotFound(input.policyArn) }
        if !role.attachedPolicies.contains(policy.arn) { role.attachedPolicies.append(policy.arn) }
        roles[input.roleName.lowercased()] = role
        return IAMEmptyOutput()
    }

    func describe(_ role: Role) -> RoleDescription {
        RoleDescription(
            path: role.path, roleName: role.name, roleId: role.roleID, arn: role.arn.description, createDate: role.created,
            assumeRolePolicyDocument: Self.urlEncoded(role.assumeRolePolicy), description: role.description, maxSessionDuration: 3600,
            permissionsBoundary: role.permissionsBoundary.map { AttachedPermissionsBoundary(permissionsBoundaryType: "Policy", permissionsBoundaryArn: $0) })
    }

    /// IAM returns policy documents URL-encoded (RFC 3986); botocore decodes them.
    static func urlEncoded(_ document: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return document.addingPercentEncoding(withAllowedCharacters: allowed) ?? document
    }

    /// Validates a permissions policy (no Principal, Resource required).
    static func checkPermissionsPolicy(_ document: String) throws(IAMError) {
        do {
            _ = try PolicyDocument(parsing: document, kind: .identity)
        } catch {
            throw .malformed(error.message)
        }
    }

    /// Validates a trust policy (Principal required).
    static func checkTrustPolicy(_ document: String) throws(IAMError) {
        do {
            _ = try PolicyDocument(parsing: document, kind: .resource)
        } catch {
            throw .malformed(error.message)
        }
    }
}
