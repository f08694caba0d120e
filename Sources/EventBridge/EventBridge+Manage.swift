import CloudCafeCore
import EventBridgeAPI
import Foundation

// Reading, deleting and tagging rules, and their targets.
extension EventBridge {
    /// EventBridge's paging (the model bounds `Limit`).
    static func page<T>(_ items: [T], limit: Int?, token: String?) throws(EventBridgeError) -> ([T], String?) {
        guard let page = Pagination.page(items, size: limit ?? 100, token: token) else { throw .validation("The NextToken provided is invalid.") }
        return page
    }

    func describeRule(_ input: DescribeRuleRequest, _ ctx: CallContext) throws(EventBridgeError) -> DescribeRuleResponse {
        let r = try rule(input.name, bus: input.eventBusName, ctx)
        return DescribeRuleResponse(
            name: r.name, arn: r.arn.description, eventPattern: r.eventPattern, scheduleExpression: r.scheduleText, state: r.state,
            description: r.description, roleArn: r.roleArn, eventBusName: r.bus, createdBy: ctx.account)
    }

    func listRules(_ input: ListRulesRequest, _ ctx: CallContext) throws(EventBridgeError) -> ListRulesResponse {
        let bus = try bus(input.eventBusName, ctx)
        let all = rules.values
            .filter { $0.arn.region == ctx.region && $0.bus == bus && (input.namePrefix.map($0.name.hasPrefix) ?? true) }
            .sorted { $0.name < $1.name }
            .map { r in
                Rule(
                    name: r.name, arn: r.arn.description, eventPattern: r.eventPattern, state: r.state, description: r.description,
                    scheduleExpression: r.scheduleText, eventBusName: r.bus)
            }
        let (page, next) = try Self.page(all, limit: input.limit, token: input.nextToken)
        return ListRulesResponse(rules: page, nextToken: next)
    }

    func deleteRule(_ input: DeleteRuleRequest, _ ctx: CallContext) throws(EventBridgeError) -> EmptyShape {
        let arn = Self.ruleArn(input.name, bus: try bus(input.eventBusName, ctx), ctx)
        // Deleting a rule that does not exist succeeds; one with targets does not.
        guard let r = rules[arn] else { return EmptyShape() }
        guard r.targets.isEmpty else { throw .validation("Rule can't be deleted since it has targets.") }
        remove(arn)
        return EmptyShape()
    }

    func listTargets(_ input: ListTargetsByRuleRequest, _ ctx: CallContext) throws(EventBridgeError) -> ListTargetsByRuleResponse {
        let r = try rule(input.rule, bus: input.eventBusName, ctx)
        let (page, next) = try Self.page(r.targets, limit: input.limit, token: input.nextToken)
        return ListTargetsByRuleResponse(targets: page, nextToken: next)
    }

    func removeTargets(_ input: RemoveTargetsRequest, _ ctx: CallContext) throws(EventBridgeError) -> RemoveTargetsResponse {
        var r = try rule(input.rule, bus: input.eventBusName, ctx)
        r.targets.removeAll { input.ids.contains($0.id) }
        store(r)
        return RemoveTargetsResponse(failedEntryCount: 0, failedEntries: [])
    }

    func ruleNames(_ input: ListRuleNamesByTargetRequest, _ ctx: CallContext) throws(EventBridgeError) -> ListRuleNamesByTargetResponse {
        let bus = try bus(input.eventBusName, ctx)
        let names = rules.values.filter { $0.arn.region == ctx.region && $0.bus == bus && $0.targets.contains { $0.arn == input.targetArn } }
            .map(\.name).sorted()
        let (page, next) = try Self.page(names, limit: input.limit, token: input.nextToken)
        return ListRuleNamesByTargetResponse(ruleNames: page, nextToken: next)
    }

    func taggedRule(_ arnText: String) throws(EventBridgeError) -> StoredRule {
        guard let arn = ARN(arnText), let r = rules[arn] else {
            throw .init(code: .resourceNotFound, message: "Rule \(ARN(arnText)?.lastComponent ?? arnText) does not exist on EventBus default.")
        }
        return r
    }

    func tag(_ arn: String, adding tags: [Tag], removing keys: [String]) throws(EventBridgeError) {
        var r = try taggedRule(arn)
        for t in tags { r.tags[t.key] = t.value }
        for k in keys { r.tags[k] = nil }
        store(r)
    }

    func listTags(_ arn: String) throws(EventBridgeError) -> ListTagsForResourceResponse {
        let r = try taggedRule(arn)
        return ListTagsForResourceResponse(tags: r.tags.keys.sorted().map { Tag(key: $0, value: r.tags[$0] ?? "") })
    }
}
