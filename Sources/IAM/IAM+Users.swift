public import CloudCafeCore
public import Foundation
import STSAPI

// MARK: - Shapes (botocore iam 2010-05-08, sts 2011-06-15)

/// CreateUser / GetUser / DeleteUser input.
public struct UserNameInput: Sendable, Codable {
    public var userName: String?
    public var path: String?
    public var permissionsBoundary: String?
    enum CodingKeys: String, CodingKey { case userName = "UserName", path = "Path", permissionsBoundary = "PermissionsBoundary" }
}

/// Put/Delete{Role,User}PermissionsBoundary input.
public struct PermissionsBoundaryInput: Sendable, Codable {
    public var roleName: String?
    public var userName: String?
    public var permissionsBoundary: String?
    enum CodingKeys: String, CodingKey { case roleName = "RoleName", userName = "UserName", permissionsBoundary = "PermissionsBoundary" }
}

/// A managed policy given to AssumeRole as a session policy.
public struct PolicyDescriptorType: Sendable, Codable {
    public var arn: String?
    enum CodingKeys: String, CodingKey { case arn = "arn" }
}

/// A user as IAM describes it.
public struct UserDescription: Sendable, Codable {
    public var path: String
    public var userName: String
    public var userId: String
    public var arn: String
    public var createDate: Date
    enum CodingKeys: String, CodingKey { case path = "Path", userName = "UserName", userId = "UserId", arn = "Arn", createDate = "CreateDate" }
}

/// CreateUser / GetUser output.
public struct UserOutput: Sendable, Codable {
    public var user: UserDescription
    enum CodingKeys: String, CodingKey { case user = "User" }
}

/// ListUsers output.
public struct ListUsersOutput: Sendable, Codable {
    public var users: [UserDescription]
    public var isTruncated: Bool
    public var marker: String?
    enum CodingKeys: String, CodingKey { case users = "Users", isTruncated = "IsTruncated", marker = "Marker" }
}

/// A new access key, with its secret (shown once).
public struct AccessKeyDescription: Sendable, Codable {
    public var userName: String
    public var accessKeyId: String
    public var status: String
    public var secretAccessKey: String
    public var createDate: Date
    enum CodingKeys: String, CodingKey {
        case userName = "UserName", accessKeyId = "AccessKeyId", status = "Status", secretAccessKey = "SecretAccessKey", createDate = "CreateDate"
    }
}

/// CreateAccessKey output.
public struct CreateAccessKeyOutput: Sendable, Codable {
    public var accessKey: AccessKeyDescription
    enum CodingKeys: String, CodingKey { case accessKey = "AccessKey" }
}

/// An access key without its secret.
public struct AccessKeyMetadata: Sendable, Codable {
    public var userName: String
    public var accessKeyId: String
    public var status: String
    public var createDate: Date
    enum CodingKeys: String, CodingKey { case userName = "UserName", accessKeyId = "AccessKeyId", status = "Status", createDate = "CreateDate" }
}

/// ListAccessKeys output.
public struct ListAccessKeysOutput: Sendable, Codable {
    public var accessKeyMetadata: [AccessKeyMetadata]
    public var isTruncated: Bool
    enum CodingKeys: String, CodingKey { case accessKeyMetadata = "AccessKeyMetadata", isTruncated = "IsTruncated" }
}

/// DeleteAccessKey input.
public struct AccessKeyInput: Sendable, Codable {
    public var userName: String?
    public var accessKeyId: String
    enum CodingKeys: String, CodingKey { case userName = "UserName", accessKeyId = "AccessKeyId" }
}

/// AttachUserPolicy input.
public struct AttachUserPolicyInput: Sendable, Codable {
    public var userName: String
    public var policyArn: String
    enum CodingKeys: String, CodingKey { case userName = "UserName", policyArn = "PolicyArn" }
}

/// PutUserPolicy input.
public struct PutUserPolicyInput: Sendable, Codable {
    public var userName: String
    public var policyName: String
    public var policyDocument: String
    enum CodingKeys: String, CodingKey { case userName = "UserName", policyName = "PolicyName", policyDocument = "PolicyDocument" }
}

// MARK: - Operations

extension IAM {
    static func userResource(_ name: String?, _ c: CallContext) -> String { c.arn("iam", "user/\(name ?? "*")", region: "").description }

    /// CreateUser.
    public static let createUser = Operation<IAM, UserNameInput, UserOutput>(
        name: "CreateUser", action: "iam:CreateUser", resource: { i, c in userResource(i.userName, c) }
    ) { iam, input, ctx in try await iam.createUser(input, ctx) }

    /// GetUser (without a name: the calling user).
    public static let getUser = Operation<IAM, UserNameInput, UserOutput>(
        name: "GetUser", action: "iam:GetUser", resource: { i, c in userResource(i.userName, c) }
    ) { iam, input, ctx in try await iam.getUser(input, ctx) }

    /// ListUsers.
    public static let listUsers = Operation<IAM, ListIAMInput, ListUsersOutput>(name: "ListUsers", action: "iam:ListUsers") { iam, input, _ in
        try await iam.listUsers(input)
    }

    /// DeleteUser.
    public static let deleteUser = Operation<IAM, UserNameInput, IAMEmptyOutput>(
        name: "DeleteUser", action: "iam:DeleteUser", resource: { i, c in userResource(i.userName, c) }
    ) { iam, input, _ in try await iam.deleteUser(input) }

    /// CreateAccessKey.
    public static let createAccessKey = Operation<IAM, UserNameInput, CreateAccessKeyOutput>(
        name: "CreateAccessKey", action: "iam:CreateAccessKey", resource: { i, c in userResource(i.userName, c) }
    ) { iam, input, ctx in try await iam.createAccessKey(input, ctx) }

    /// ListAccessKeys.
    public static let listAccessKeys = Operation<IAM, UserNameInput, ListAccessKeysOutput>(
        name: "ListAccessKeys", action: "iam:ListAccessKeys", resource: { i, c in userResource(i.userName, c) }
    ) { iam, input, _ in try await iam.listAccessKeys(input) }

    /// DeleteAccessKey.
    public static let deleteAccessKey = Operation<IAM, AccessKeyInput, IAMEmptyOutput>(
        name: "DeleteAccessKey", action: "iam:DeleteAccessKey", resource: { i, c in userResource(i.userName, c) }
    ) { iam, input, _ in try await iam.deleteAccessKey(input) }

    /// AttachUserPolicy.
    public static let attachUserPolicy = Operation<IAM, AttachUserPolicyInput, IAMEmptyOutput>(
        name: "AttachUserPolicy", action: "iam:AttachUserPolicy", resource: { i, c in userResource(i.userName, c) }
    ) { iam, input, _ in try await iam.attachUserPolicy(input) }

    /// PutUserPolicy.
    public static let putUserPolicy = Operation<IAM, PutUserPolicyInput, IAMEmptyOutput>(
        name: "PutUserPolicy", action: "iam:PutUserPolicy", resource: { i, c in userResource(i.userName, c) }
    ) { iam, input, _ in try await iam.putUserPolicy(input) }

    /// PutRolePermissionsBoundary.
    public static let putRolePermissionsBoundary = Operation<IAM, PermissionsBoundaryInput, IAMEmptyOutput>(
        name: "PutRolePermissionsBoundary", action: "iam:PutRolePermissionsBoundary", resource: { i, c in roleResource(i.roleName ?? "", c) }
    ) { iam, input, _ in try await iam.setBoundary(role: input.roleName, user: nil, input.permissionsBoundary) }

    /// DeleteRolePermissionsBoundary.
    public static let deleteRolePermissionsBoundary = Operation<IAM, PermissionsBoundaryInput, IAMEmptyOutput>(
        name: "DeleteRolePermissionsBoundary", action: "iam:DeleteRolePermissionsBoundary", resource: { i, c in roleResource(i.roleName ?? "", c) }
    ) { iam, input, _ in try await iam.setBoundary(role: input.roleName, user: nil, nil) }

    /// PutUserPermissionsBoundary.
    public static let putUserPermissionsBoundary = Operation<IAM, PermissionsBoundaryInput, IAMEmptyOutput>(
        name: "PutUserPermissionsBoundary", action: "iam:PutUserPermissionsBoundary", resource: { i, c in userResource(i.userName, c) }
    ) { iam, input, _ in try await iam.setBoundary(role: nil, user: input.userName, input.permissionsBoundary) }

    /// DeleteUserPermissionsBoundary.
    public static let deleteUserPermissionsBoundary = Operation<IAM, PermissionsBoundaryInput, IAMEmptyOutput>(
        name: "DeleteUserPermissionsBoundary", action: "iam:DeleteUserPermissionsBoundary", resource: { i, c in userResource(i.userName, c) }
    ) { iam, input, _ in try await iam.setBoundary(role: nil, user: input.userName, nil) }

    func setBoundary(role roleName: String?, user userName: String?, _ boundary: String?) throws(IAMError) -> IAMEmptyOutput {
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
        return IAMEmptyOutput()
    }

    // MARK: - Implementations

    func user(_ name: String) throws(IAMError) -> User {
        guard let u = users[name.lowercased()] else { throw .init(code: .noSuchEntity, message: "The user with name \(name) cannot be found.") }
        return u
    }

    func describe(_ u: User) -> UserDescription {
        UserDescription(path: u.path, userName: u.name, userId: u.userID, arn: u.arn.description, createDate: u.created)
    }

    func createUser(_ input: UserNameInput, _ ctx: CallContext) throws(IAMError) -> UserOutput {
        guard let name = input.userName else {
            throw .init(
                code: .validationError, message: "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null")
        }
        try Self.validateName(name, member: "userName", max: 64)
        guard users[name.lowercased()] == nil else { throw .init(code: .entityAlreadyExists, message: "User with name \(name) already exists.") }
        let path = input.path ?? "/"
        var u = User(name: name, path: path, arn: ctx.arn("iam", "user\(path)\(name)", region: ""), userID: uniqueID("AIDA"), created: ctx.now)
        if let boundary = input.permissionsBoundary {
            _ = try policy(boundary)
            u.permissionsBoundary = boundary
        }
        users[name.lowercased()] = u
        return UserOutput(user: describe(u))
    }

    func getUser(_ input: UserNameInput, _ ctx: CallContext) throws(IAMError) -> UserOutput {
        if let name = input.userName { return UserOutput(user: describe(try user(name))) }
        switch ctx.caller {
        case .user(let arn): return UserOutput(user: describe(try user(arn.lastComponent)))
        case .root(let account):
            return UserOutput(
                user: UserDescription(
                    path: "/", userName: "root", userId: account, arn: "arn:aws:iam::\(account):root", createDate: Date(timeIntervalSince1970: 0)))
        default:
            throw .init(code: .validationError, message: "Must specify userName when calling with non-User credentials")
        }
    }

    func listUsers(_ input: ListIAMInput) throws(IAMError) -> ListUsersOutput {
        let all = users.values.filter { $0.path.hasPrefix(input.pathPrefix ?? "/") }.sorted { $0.name < $1.name }.map(describe)
        let (page, next) = try Self.page(all, marker: input.marker, maxItems: input.maxItems)
        return ListUsersOutput(users: page, isTruncated: next != nil, marker: next)
    }

    func deleteUser(_ input: UserNameInput) throws(IAMError) -> IAMEmptyOutput {
        let u = try user(input.userName ?? "")
        guard u.accessKeys.isEmpty, u.attachedPolicies.isEmpty, u.inlinePolicies.isEmpty else {
            throw .init(code: .deleteConflict, message: "Cannot delete entity, must delete access keys and policies first.")
        }
        users[u.name.lowercased()] = nil
        return IAMEmptyOutput()
    }

    func createAccessKey(_ input: UserNameInput, _ ctx: CallContext) throws(IAMError) -> CreateAccessKeyOutput {
        var u = try user(input.userName ?? "")
        guard u.accessKeys.count < 2 else { throw .init(code: .limitExceeded, message: "Cannot exceed quota for AccessKeysPerUser: 2") }
        let key = AccessKeyRecord(id: uniqueID("AKIA").prefix(20).description, secret: ids.hex(40), created: ctx.now)
        u.accessKeys.append(key)
        users[u.name.lowercased()] = u
        return CreateAccessKeyOutput(
            accessKey: AccessKeyDescription(userName: u.name, accessKeyId: key.id, status: "Active", secretAccessKey: key.secret, createDate: key.created))
    }

    func listAccessKeys(_ input: UserNameInput) throws(IAMError) -> ListAccessKeysOutput {
        let u = try user(input.userName ?? "")
        return ListAccessKeysOutput(
            accessKeyMetadata: u.accessKeys.map {
                AccessKeyMetadata(userName: u.name, accessKeyId: $0.id, status: $0.active ? "Active" : "Inactive", createDate: $0.created)
            },
            isTruncated: false)
    }

    func deleteAccessKey(_ input: AccessKeyInput) throws(IAMError) -> IAMEmptyOutput {
        guard
            var u = input.userName.flatMap({ users[$0.lowercased()] }) ?? users.values.first(where: { $0.accessKeys.contains { $0.id == input.accessKeyId } }),
            let i = u.accessKeys.firstIndex(where: { $0.id == input.accessKeyId })
        else { throw .init(code: .noSuchEntity, message: "The Access Key with id \(input.accessKeyId) cannot be found.") }
        u.accessKeys.remove(at: i)
        users[u.name.lowercased()] = u
        return IAMEmptyOutput()
    }

    func attachUserPolicy(_ input: AttachUserPolicyInput) throws(IAMError) -> IAMEmptyOutput {
        var u = try user(input.userName)
        guard let p = policies[input.policyArn] else { throw .policyNotFound(input.policyArn) }
        if !u.attachedPolicies.contains(p.arn) { u.attachedPolicies.append(p.arn) }
        users[u.name.lowercased()] = u
        return IAMEmptyOutput()
    }

    func putUserPolicy(_ input: PutUserPolicyInput) throws(IAMError) -> IAMEmptyOutput {
        var u = try user(input.userName)
        try Self.checkPermissionsPolicy(input.policyDocument)
        u.inlinePolicies[input.policyName] = input.policyDocument
        users[u.name.lowercased()] = u
        return IAMEmptyOutput()
    }

    func assumeRole(_ input: AssumeRoleRequest, _ ctx: CallContext) throws(IAMError) -> AssumeRoleResponse {
        if case .root = ctx.caller { throw .init(code: .accessDenied, message: "Roles may not be assumed by root accounts.") }
        // The model bounds the duration (900–43200 seconds) and the session name.
        let duration = input.durationSeconds ?? 3600
        guard let arn = ARN(input.roleArn), let r = roles[arn.lastComponent.lowercased()], r.arn == arn else {
            throw .init(code: .noSuchEntity, message: "The role with name \(ARN(input.roleArn)?.lastComponent ?? input.roleArn) cannot be found.")
        }
        sessions = sessions.filter { $0.value.expiration > ctx.now }
        var sessionDocuments: [String] = []
        if let text = input.policy {
            try Self.checkPermissionsPolicy(text)
            sessionDocuments.append(text)
        }
        for descriptor in input.policyArns ?? [] {
            guard let arn = descriptor.arn else { continue }
            sessionDocuments.append(try policy(arn).document)
        }
        let keyID = "ASIA" + uniqueID("").prefix(16)
        let session = RoleSession(
            roleArn: r.arn, sessionName: input.roleSessionName, secret: ids.hex(40), token: ids.hex(64),
            expiration: ctx.now.addingTimeInterval(Double(duration)))
        sessions[keyID] = session
        let sessionArn = Principal.assumedRole(role: r.arn, session: input.roleSessionName).arn
        sessionPolicies[sessionArn] = sessionDocuments.isEmpty ? nil : sessionDocuments
        return AssumeRoleResponse(
            credentials: Credentials(accessKeyId: keyID, secretAccessKey: session.secret, sessionToken: session.token, expiration: session.expiration),
            assumedRoleUser: AssumedRoleUser(
                assumedRoleId: "\(r.roleID):\(input.roleSessionName)", arn: Principal.assumedRole(role: r.arn, session: input.roleSessionName).arn))
    }

    /// What `--strict-auth` needs to verify a signature: the key's secret, and for temporary
    /// credentials the session token and its expiry. Nil for a key IAM never issued.
    public func secret(forAccessKey accessKey: String) -> (secret: String, sessionToken: String?, expiration: Date?)? {
        if let s = sessions[accessKey] { return (s.secret, s.token, s.expiration) }
        for u in users.values {
            if let k = u.accessKeys.first(where: { $0.id == accessKey && $0.active }) { return (k.secret, nil, nil) }
        }
        return nil
    }

    /// Who a request signed with `accessKey` acts as: a user's key, a live session of an
    /// assumed role, or (any other key) nil, which the Gateway takes as the account root.
    public func principal(forAccessKey accessKey: String, at now: Date) -> Principal? {
        if let s = sessions[accessKey], s.expiration > now { return .assumedRole(role: s.roleArn, session: s.sessionName) }
        for u in users.values where u.accessKeys.contains(where: { $0.id == accessKey && $0.active }) { return .user(u.arn) }
        return nil
    }
}
