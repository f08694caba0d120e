import CloudCafeCore
import Foundation
import IAMAPI

// Managed policies: the account's and AWS's.
extension IAM {
    func policy(_ arn: String) throws(IAMError) -> ManagedPolicy {
        guard let p = policies[arn] else { throw .init(code: .noSuchEntity, message: "Policy \(arn) was not found.") }
        return p
    }

    func attachmentCount(_ arn: ARN) -> Int {
        roles.values.filter { $0.attachedPolicies.contains(arn) }.count + users.values.filter { $0.attachedPolicies.contains(arn) }.count
    }

    func describe(_ p: ManagedPolicy) -> Policy {
        Policy(
            policyName: p.name, policyId: p.policyID, arn: p.arn.description, path: p.path, defaultVersionId: p.defaultVersion,
            attachmentCount: attachmentCount(p.arn), permissionsBoundaryUsageCount: 0, isAttachable: true, description: p.description,
            createDate: p.created, updateDate: p.versions.last?.created ?? p.created)
    }

    func createPolicy(_ input: CreatePolicyRequest, _ ctx: CallContext) throws(IAMError) -> CreatePolicyResponse {
        try Self.checkPermissionsPolicy(input.policyDocument)
        guard Self.policySize([input.policyDocument]) <= 6_144 else { throw .init(code: .limitExceeded, message: "Cannot exceed quota for PolicySize: 6144") }
        let path = input.path ?? "/"
        let arn = ctx.arn("iam", "policy\(path)\(input.policyName)", region: "")
        guard policies[arn.description] == nil else {
            throw .init(code: .entityAlreadyExists, message: "A policy called \(input.policyName) already exists. Duplicate names are not allowed.")
        }
        let policy = ManagedPolicy(
            name: input.policyName, arn: arn, path: path, defaultVersion: "v1", versions: [.init(id: "v1", document: input.policyDocument, created: ctx.now)], created: ctx.now,
            description: input.description, policyID: uniqueID("ANPA"))
        policies[arn.description] = policy
        return CreatePolicyResponse(policy: describe(policy))
    }

    func getPolicyVersion(_ input: GetPolicyVersionRequest) throws(IAMError) -> GetPolicyVersionResponse {
        let p = try policy(input.policyArn)
        guard let v = p.versions.first(where: { $0.id == input.versionId }) else {
            throw .init(code: .noSuchEntity, message: "Policy \(input.policyArn) version \(input.versionId) does not exist or is not attachable.")
        }
        return GetPolicyVersionResponse(
            policyVersion: PolicyVersion(document: Self.urlEncoded(v.document), versionId: v.id, isDefaultVersion: v.id == p.defaultVersion, createDate: v.created))
    }

    func listPolicies(_ input: ListPoliciesRequest) throws(IAMError) -> ListPoliciesResponse {
        let scope = input.scope ?? "All"
        let all = policies.values
            .filter { p in
                let isAWS = p.arn.account == "aws"
                return (scope == "All" || (scope == "AWS") == isAWS) && p.path.hasPrefix(input.pathPrefix ?? "/")
                    && (input.onlyAttached != true || attachmentCount(p.arn) > 0)
            }
            .sorted { $0.name < $1.name }
            .map(describe)
        let page = try Self.page(all, marker: input.marker, maxItems: input.maxItems)
        return ListPoliciesResponse(policies: page.items, isTruncated: page.next != nil, marker: page.next)
    }

    func deletePolicy(_ arn: String) throws(IAMError) -> EmptyShape {
        let p = try policy(arn)
        guard p.arn.account != "aws" else { throw .init(code: .invalidInput, message: "An AWS managed policy cannot be deleted.") }
        guard attachmentCount(p.arn) == 0 else { throw .init(code: .deleteConflict, message: "Cannot delete a policy attached to entities.") }
        policies[arn] = nil
        return EmptyShape()
    }
}
