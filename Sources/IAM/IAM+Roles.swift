import CloudCafeCore
import Foundation
import IAMAPI

// Roles, their inline and attached policies and their permissions boundaries.
extension IAM {
    func role(_ name: String) throws(IAMError) -> StoredRole {
        guard let r = roles[name.lowercased()] else { throw .roleNotFound(name) }
        return r
    }

    func createRole(_ input: CreateRoleRequest, _ ctx: CallContext) throws(IAMError) -> CreateRoleResponse {
        guard roles[input.roleName.lowercased()] == nil else { throw .roleExists(input.roleName) }
        try Self.checkTrustPolicy(input.assumeRolePolicyDocument)
        let path = input.path ?? "/"
        if let boundary = input.permissionsBoundary { _ = try policy(boundary) }
        let role = StoredRole(
            name: input.roleName, path: path, arn: ctx.arn("iam", "role\(path)\(input.roleName)", region: ""), roleID: uniqueID("AROA"),
            created: ctx.now, assumeRolePolicy: input.assumeRolePolicyDocument, description: input.description,
            permissionsBoundary: input.permissionsBoundary)
        // Role names are unique case-insensitively.
        roles[input.roleName.lowercased()] = role
        return CreateRoleResponse(role: describe(role))
    }

    func listRoles(_ input: ListRolesRequest) throws(IAMError) -> ListRolesResponse {
        let all = roles.values.filter { $0.path.hasPrefix(input.pathPrefix ?? "/") }.sorted { $0.name < $1.name }.map(describe)
        let page = try Self.page(all, marker: input.marker, maxItems: input.maxItems)
        return ListRolesResponse(roles: page.items, isTruncated: page.next != nil, marker: page.next)
    }

    func updateAssumeRolePolicy(_ input: UpdateAssumeRolePolicyRequest) throws(IAMError) -> EmptyShape {
        var r = try role(input.roleName)
        try Self.checkTrustPolicy(input.policyDocument)
        r.assumeRolePolicy = input.policyDocument
        roles[r.name.lowercased()] = r
        return EmptyShape()
    }

    func deleteRole(_ name: String) throws(IAMError) -> EmptyShape {
        let r = try role(name)
        guard r.attachedPolicies.isEmpty else { throw .init(code: .deleteConflict, message: "Cannot delete entity, must detach all policies first.") }
        guard r.inlinePolicies.isEmpty else { throw .init(code: .deleteConflict, message: "Cannot delete entity, must delete policies first.") }
        roles[r.name.lowercased()] = nil
        return EmptyShape()
    }

    func putRolePolicy(_ input: PutRolePolicyRequest) throws(IAMError) -> EmptyShape {
        var r = try role(input.roleName)
        try Self.checkPermissionsPolicy(input.policyDocument)
        r.inlinePolicies[input.policyName] = input.policyDocument
        guard Self.policySize(r.inlinePolicies.values) <= 10_240 else {
            throw .init(code: .limitExceeded, message: "Maximum policy size of 10240 bytes exceeded for role \(r.name)")
        }
        roles[r.name.lowercased()] = r
        return EmptyShape()
    }

    func getRolePolicy(_ input: GetRolePolicyRequest) throws(IAMError) -> GetRolePolicyResponse {
        let r = try role(input.roleName)
        guard let doc = r.inlinePolicies[input.policyName] else {
            throw .init(code: .noSuchEntity, message: "The role policy with name \(input.policyName) cannot be found.")
        }
        return GetRolePolicyResponse(roleName: r.name, policyName: input.policyName, policyDocument: Self.urlEncoded(doc))
    }

    func listRolePolicies(_ input: ListRolePoliciesRequest) throws(IAMError) -> ListRolePoliciesResponse {
        let page = try Self.page(role(input.roleName).inlinePolicies.keys.sorted(), marker: input.marker, maxItems: input.maxItems)
        return ListRolePoliciesResponse(policyNames: page.items, isTruncated: page.next != nil, marker: page.next)
    }

    func deleteRolePolicy(_ input: DeleteRolePolicyRequest) throws(IAMError) -> EmptyShape {
        var r = try role(input.roleName)
        guard r.inlinePolicies.removeValue(forKey: input.policyName) != nil else {
            throw .init(code: .noSuchEntity, message: "The role policy with name \(input.policyName) cannot be found.")
        }
        roles[r.name.lowercased()] = r
        return EmptyShape()
    }

    func attachRolePolicy(_ input: AttachRolePolicyRequest) throws(IAMError) -> EmptyShape {
        var r = try role(input.roleName)
        guard let policy = policies[input.policyArn] else { throw .policyNotFound(input.policyArn) }
        if !r.attachedPolicies.contains(policy.arn) {
            guard r.attachedPolicies.count < Self.attachedPoliciesQuota else {
                throw .init(code: .limitExceeded, message: "Cannot exceed quota for PoliciesPerRole: \(Self.attachedPoliciesQuota)")
            }
            r.attachedPolicies.append(policy.arn)
        }
        roles[r.name.lowercased()] = r
        return EmptyShape()
    }

    func detachRolePolicy(_ input: DetachRolePolicyRequest) throws(IAMError) -> EmptyShape {
        var r = try role(input.roleName)
        guard let i = r.attachedPolicies.firstIndex(where: { $0.description == input.policyArn }) else {
            throw .init(code: .noSuchEntity, message: "Policy \(input.policyArn) was not found.")
        }
        r.attachedPolicies.remove(at: i)
        roles[r.name.lowercased()] = r
        return EmptyShape()
    }

    func attached(_ arns: [ARN], marker: String?, maxItems: Int?) throws(IAMError) -> (items: [AttachedPolicy], next: String?) {
        try Self.page(arns.map { AttachedPolicy(policyName: $0.lastComponent, policyArn: $0.description) }, marker: marker, maxItems: maxItems)
    }

    /// Sets (or, with nil, removes) the permissions boundary of a role or a user.
    func setBoundary(role roleName: String?, user userName: String?, _ boundary: String?) throws(IAMError) -> EmptyShape {
        if let boundary { _ = try policy(boundary) }
        if let roleName {
            var r = try role(roleName)
            r.permissionsBoundary = boundary
            roles[r.name.lowercased()] = r
        } else {
            var u = try user(userName ?? "")
            u.permissionsBoundary = boundary
            users[u.name.lowercased()] = u
        }
        return EmptyShape()
    }

    func describe(_ role: StoredRole) -> Role {
        Role(
            path: role.path, roleName: role.name, roleId: role.roleID, arn: role.arn.description, createDate: role.created,
            assumeRolePolicyDocument: Self.urlEncoded(role.assumeRolePolicy), description: role.description, maxSessionDuration: 3600,
            permissionsBoundary: role.permissionsBoundary.map { AttachedPermissionsBoundary(permissionsBoundaryType: "Policy", permissionsBoundaryArn: $0) })
    }

    /// IAM's marker paging: `IsTruncated` and an opaque `Marker` (the model bounds `MaxItems`).
    static func page<T>(_ items: [T], marker: String?, maxItems: Int?) throws(IAMError) -> (items: [T], next: String?) {
        guard let page = Pagination.page(items, size: maxItems ?? 100, token: marker) else { throw .init(code: .invalidInput, message: "Invalid Marker.") }
        return page
    }

    /// IAM returns policy documents URL-encoded (RFC 3986); botocore decodes them.
    static func urlEncoded(_ document: String) -> String { PercentEncoding.encode(document) }

    /// Validates a permissions policy (no Principal, Resource required).
    static func checkPermissionsPolicy(_ document: String) throws(IAMError) {
        do {
            try PolicyDocument.checkPermissions(document)
        } catch {
            throw .malformed(error.message)
        }
    }

    /// Managed policies attached to one role or user, at most (IAM's default quota).
    static let attachedPoliciesQuota = 10

    /// A policy's size as IAM counts it against its quotas: characters other than white space.
    static func policySize(_ documents: some Sequence<String>) -> Int {
        documents.reduce(0) { $0 + $1.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.count }
    }

    /// Validates a trust policy (Principal required).
    static func checkTrustPolicy(_ document: String) throws(IAMError) {
        guard policySize([document]) <= 2_048 else { throw .init(code: .limitExceeded, message: "Cannot exceed quota for ACLSizePerRole: 2048") }
        do {
            try PolicyDocument.checkTrust(document)
        } catch {
            throw .malformed(error.message)
        }
    }
}
