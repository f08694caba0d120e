import CloudCafeCore
import Foundation
import IAM
import Testing

/// fixtures/iam/*.json: one scenario per documented rule of AWS's policy evaluation.
let iamFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fixtures/iam").standardized

struct Scenario: Sendable, CustomTestStringConvertible {
    let name: String
    let json: JSONValue
    var testDescription: String { name }

    static func load(_ file: String) -> [Scenario] {
        guard let data = try? Data(contentsOf: iamFixtures.appendingPathComponent(file)), case .array(let items)? = try? JSONValue(parsing: data) else {
            return []
        }
        return items.map { Scenario(name: $0["name"]?.stringValue ?? "?", json: $0) }
    }
}

struct PolicyEvaluatorTests {
    static let account = "000000000000"

    static func principal(_ text: String) -> Principal {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first {
        case "user": return .user(ARN(service: "iam", region: "", account: account, resource: "user/\(parts[1])"))
        case "role":
            let rs = parts[1].split(separator: "/").map(String.init)
            return .assumedRole(role: ARN(service: "iam", region: "", account: account, resource: "role/\(rs[0])"), session: rs[1])
        case "service": return .service(parts[1])
        default: return .root(account: account)
        }
    }

    @Test func scenariosAreLoaded() {
        #expect(Scenario.load("scenarios.json").count >= 150)
        #expect(Scenario.load("malformed.json").count >= 50)
    }

    @Test(arguments: Scenario.load("scenarios.json"))
    func decidesAsAWS(_ s: Scenario) throws {
        // Given the scenario's policies
        guard case .array(let docs)? = s.json["identity"] else { Issue.record("no identity list"); return }
        let identity = try docs.enumerated().map { i, d in NamedPolicy(name: "policy\(i)", document: try PolicyDocument(parsing: d.compact, kind: .identity)) }
        let resource = try s.json["resourcePolicy"].map { NamedPolicy(name: "resource", document: try PolicyDocument(parsing: $0.compact, kind: .resource)) }
        var keys: [String: [String]] = [:]
        if case .object(let members)? = s.json["context"] {
            for (k, v) in members {
                if case .array(let items) = v { keys[k] = items.compactMap(\.stringValue) } else { keys[k] = [v.stringValue ?? v.compact] }
            }
        }
        // When the request is evaluated
        let request = EvaluationRequest(
            principal: Self.principal(s.json["principal"]?.stringValue ?? "root"), action: s.json["action"]?.stringValue ?? "",
            resource: s.json["resource"]?.stringValue ?? "", multiValuedKeys: keys)
        let boundary = try s.json["boundary"].map { NamedPolicy(name: "boundary", document: try PolicyDocument(parsing: $0.compact, kind: .identity)) }
        var session: [NamedPolicy] = []
        if case .array(let items)? = s.json["sessionPolicies"] {
            session = try items.map { NamedPolicy(name: "session", document: try PolicyDocument(parsing: $0.compact, kind: .identity)) }
        }
        let evaluation = PolicyEvaluator.evaluate(
            identity: identity, resource: resource, request: request, resourceMustAllow: s.json["resourceMustAllow"] == .bool(true), boundary: boundary,
            sessionPolicies: session)
        // Then the decision is AWS's, decided where AWS decides it
        #expect(evaluation.decision.rawValue == s.json["expect"]?.stringValue)
        if let layer = s.json["layer"]?.stringValue { #expect(evaluation.layer.rawValue == layer) }
    }

    @Test(arguments: Scenario.load("malformed.json"))
    func rejectsMalformedDocumentsWithIAMsMessage(_ s: Scenario) {
        let text = s.json["document"]?.stringValue ?? ""
        #expect(throws: PolicyError(s.json["message"]?.stringValue ?? "")) {
            switch s.json["kind"]?.stringValue {
            case "resource": _ = try PolicyDocument(parsing: text, kind: .resource)
            case "trust": try PolicyDocument.checkTrust(text)
            default: try PolicyDocument.checkPermissions(text)
            }
        }
    }

    @Test func acceptsOddButValidDocuments() throws {
        // A single statement object, string-or-list members, an Id, numbers and booleans in conditions.
        let doc = try PolicyDocument(
            parsing:
                #"{"Id":"x","Version":"2012-10-17","Statement":{"Sid":"1","Effect":"Deny","NotAction":"iam:*","NotResource":["arn:aws:iam::*:*"],"Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":false}}}}"#,
            kind: .identity)
        #expect(doc.statements.count == 1)
        #expect(doc.statements[0].conditions.count == 2)
        // IAM stores these as they are: an operator it does not know with an empty block, IAM paths, wildcards.
        for text in [
            #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["sns:*","*"],"Resource":["*","arn:aws:iam::*:role/*","arn:aws:s3:::bucket/*"],"Condition":{"Whatever":{}}}}"#,
            #"{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:sns:*:*:*"},{"Sid":"","Effect":"Allow","Action":"a-b.c:D","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":["2030-01-01T00:00:00Z","1700000000"]}}}]}"#,
        ] {
            try PolicyDocument.checkPermissions(text)
        }
    }

    @Test func everyManagedPolicyPassesIAMsChecks() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/IAM/Resources/aws-managed-policies")
            .standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 5)
        for file in files {
            let json = try JSONValue(parsing: try Data(contentsOf: folder.appendingPathComponent(file)))
            try PolicyDocument.checkPermissions(try #require(json["document"]).compact)
        }
    }

    @Test func labManagedPoliciesAllowWhatTheReportNeeds() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/IAM/Resources/aws-managed-policies")
            .standardized
        var policies: [NamedPolicy] = []
        for name in ["AmazonSNSFullAccess", "AmazonSSMReadOnlyAccess", "AWSLambdaRole"] {
            let json = try JSONValue(parsing: try Data(contentsOf: folder.appendingPathComponent("\(name).json")))
            policies.append(NamedPolicy(name: name, document: try PolicyDocument(parsing: try #require(json["document"]).compact, kind: .identity)))
        }
        let session = Self.principal("role:salesAnalysisReportRole/salesAnalysisReport")
        for (action, resource) in [
            ("sns:Publish", "arn:aws:sns:us-east-1:000000000000:salesAnalysisReportTopic"),
            ("ssm:GetParameter", "arn:aws:ssm:us-east-1:000000000000:parameter/cafe/dbUrl"),
            ("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:000000000000:function:salesAnalysisReportDataExtractor"),
        ] {
            #expect(
                PolicyEvaluator.evaluate(identity: policies, resource: nil, request: EvaluationRequest(principal: session, action: action, resource: resource))
                    .allowed)
        }
        #expect(
            !PolicyEvaluator.evaluate(
                identity: policies, resource: nil,
                request: EvaluationRequest(principal: session, action: "ssm:PutParameter", resource: "arn:aws:ssm:us-east-1:000000000000:parameter/x")
            ).allowed)
    }
}
