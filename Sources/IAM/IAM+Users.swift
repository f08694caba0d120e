public import CloudCafeCore
public import Foundation
import IAMAPI
import STSAPI
import Synchronization

// Users and their access keys; AssumeRole's sessions; which principal a key acts as.
extension IAM {

    func user(_ name: String) throws(IAMError) -> StoredUser {
        guard let u = users[name.lowercased()] else { throw .init(code: .noSuchEntity, message: "The user with name \(name) cannot be found.") }
        return u
    }

    func describe(_ u: StoredUser) -> User {
        User(
            path: u.path, userName: u.name, userId: u.userID, arn: u.arn.description, createDate: u.created,
            permissionsBoundary: u.permissionsBoundary.map { AttachedPermissionsBoundary(permissionsBoundaryType: "Policy", permissionsBoundaryArn: $0) })
    }

    func createUser(_ input: CreateUserRequest, _ ctx: CallContext) throws(IAMError) -> CreateUserResponse {
        let name = input.userName
        guard users[name.lowercased()] == nil else { throw .init(code: .entityAlreadyExists, message: "User with name \(name) already exists.") }
        let path = input.path ?? "/"
        var u = StoredUser(name: name, path: path, arn: ctx.arn("iam", "user\(path)\(name)", region: ""), userID: uniqueID("AIDA"), created: ctx.now)
        if let boundary = input.permissionsBoundary {
            _ = try policy(boundary)
            u.permissionsBoundary = boundary
        }
        users[name.lowercased()] = u
        return CreateUserResponse(user: describe(u))
    }

    func getUser(_ input: GetUserRequest, _ ctx: CallContext) throws(IAMError) -> GetUserResponse {
        if let name = input.userName { return GetUserResponse(user: describe(try user(name))) }
        switch ctx.caller {
        case .user(let arn): return GetUserResponse(user: describe(try user(arn.lastComponent)))
        case .root(let account):
            return GetUserResponse(
                user: User(
                    path: "/", userName: "root", userId: account, arn: "arn:aws:iam::\(account):root", createDate: Date(timeIntervalSince1970: 0)))
        default:
            throw .init(code: .validationError, message: "Must specify userName when calling with non-User credentials")
        }
    }

    func listUsers(_ input: ListUsersRequest) throws(IAMError) -> ListUsersResponse {
        let all = users.values.filter { $0.path.hasPrefix(input.pathPrefix ?? "/") }.sorted { $0.name < $1.name }.map(describe)
        let page = try Self.page(all, marker: input.marker, maxItems: input.maxItems)
        return ListUsersResponse(users: page.items, isTruncated: page.next != nil, marker: page.next)
    }

    func deleteUser(_ name: String) throws(IAMError) -> EmptyShape {
        let u = try user(name)
        guard u.accessKeys.isEmpty, u.attachedPolicies.isEmpty, u.inlinePolicies.isEmpty else {
            throw .init(code: .deleteConflict, message: "Cannot delete entity, must delete access keys and policies first.")
        }
        users[u.name.lowercased()] = nil
        return EmptyShape()
    }

    func createAccessKey(_ input: CreateAccessKeyRequest, _ ctx: CallContext) throws(IAMError) -> CreateAccessKeyResponse {
        var u = try user(input.userName ?? "")
        guard u.accessKeys.count < 2 else { throw .init(code: .limitExceeded, message: "Cannot exceed quota for AccessKeysPerUser: 2") }
        let key = AccessKeyRecord(id: uniqueID("AKIA").prefix(20).description, secret: ids.hex(40), created: ctx.now)
        u.accessKeys.append(key)
        users[u.name.lowercased()] = u
        return CreateAccessKeyResponse(
            accessKey: AccessKey(userName: u.name, accessKeyId: key.id, status: "Active", secretAccessKey: key.secret, createDate: key.created))
    }

    func listAccessKeys(_ input: ListAccessKeysRequest) throws(IAMError) -> ListAccessKeysResponse {
        let u = try user(input.userName ?? "")
        return ListAccessKeysResponse(
            accessKeyMetadata: u.accessKeys.map {
                AccessKeyMetadata(userName: u.name, accessKeyId: $0.id, status: $0.active ? "Active" : "Inactive", createDate: $0.created)
            },
            isTruncated: false)
    }

    func deleteAccessKey(_ input: DeleteAccessKeyRequest) throws(IAMError) -> EmptyShape {
        guard
            var u = input.userName.flatMap({ users[$0.lowercased()] }) ?? users.values.first(where: { $0.accessKeys.contains { $0.id == input.accessKeyId } }),
            let i = u.accessKeys.firstIndex(where: { $0.id == input.accessKeyId })
        else { throw .init(code: .noSuchEntity, message: "The Access Key with id \(input.accessKeyId) cannot be found.") }
        u.accessKeys.remove(at: i)
        users[u.name.lowercased()] = u
        return EmptyShape()
    }

    func attachUserPolicy(_ input: AttachUserPolicyRequest) throws(IAMError) -> EmptyShape {
        var u = try user(input.userName)
        guard let p = policies[input.policyArn] else { throw .policyNotFound(input.policyArn) }
        if !u.attachedPolicies.contains(p.arn) {
            guard u.attachedPolicies.count < Self.attachedPoliciesQuota else {
                throw .init(code: .limitExceeded, message: "Cannot exceed quota for PoliciesPerUser: \(Self.attachedPoliciesQuota)")
            }
            u.attachedPolicies.append(p.arn)
        }
        users[u.name.lowercased()] = u
        return EmptyShape()
    }

    func putUserPolicy(_ input: PutUserPolicyRequest) throws(IAMError) -> EmptyShape {
        var u = try user(input.userName)
        try Self.checkPermissionsPolicy(input.policyDocument)
        u.inlinePolicies[input.policyName] = input.policyDocument
        guard Self.policySize(u.inlinePolicies.values) <= 2_048 else {
            throw .init(code: .limitExceeded, message: "Maximum policy size of 2048 bytes exceeded for user \(u.name)")
        }
        users[u.name.lowercased()] = u
        return EmptyShape()
    }

    func assumeRole(_ input: AssumeRoleRequest, _ ctx: CallContext) throws(IAMError) -> AssumeRoleResponse {
        if case .root = ctx.caller { throw .init(code: .accessDenied, message: "Roles may not be assumed by root accounts.") }
        // The model bounds the duration (900–43200 seconds) and the session name.
        let duration = input.durationSeconds ?? 3600
        guard let arn = ARN(input.roleArn), let r = roles[arn.lastComponent.lowercased()], r.arn == arn else {
            throw .init(code: .noSuchEntity, message: "The role with name \(ARN(input.roleArn)?.lastComponent ?? input.roleArn) cannot be found.")
        }
        // Expired sessions are kept a day, so their keys are answered `ExpiredToken`, not taken for someone else.
        sessions = sessions.filter { $0.value.expiration.addingTimeInterval(86_400) > ctx.now }
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

    /// Who a request signed with `accessKey` acts as — a user's active key, or a live session
    /// of an assumed role; nil (any other key) the Gateway takes as the account root — and
    /// whether the key is a session IAM issued that has expired by `now`. Read from the
    /// signer table, without a visit to the actor.
    public nonisolated func signer(ofAccessKey accessKey: String, at now: Date) -> (principal: Principal?, expired: Bool) {
        signers.withLock { s in
            let session = s.sessions[accessKey]
            if let session, session.expiration > now { return (.assumedRole(role: session.roleArn, session: session.sessionName), false) }
            if let user = s.userKeys[accessKey] { return (.user(user), false) }
            return (nil, session.map { $0.expiration <= now } ?? false)
        }
    }
}
