public import CloudCafeCore
import EventBridgeAPI
import Foundation

/// EventBridge (CloudWatch Events): rules on the default bus, their targets, and the
/// schedule state the Scheduler advances.
public actor EventBridge {
    let dispatcher: Dispatcher
    var rules: [ARN: Rule] = [:]

    public init(dispatcher: Dispatcher) {
        self.dispatcher = dispatcher
    }

    func rule(_ name: String, _ ctx: CallContext) throws(EventBridgeError) -> Rule {
        guard let r = rules[Self.ruleArn(name, ctx)] else { throw .ruleNotFound(name) }
        return r
    }

    static func ruleArn(_ name: String, _ ctx: CallContext) -> ARN { ctx.arn("events", "rule/\(name)") }

    /// Forgets every rule (admin reset).
    public func reset() { rules = [:] }
}

/// A rule and its targets.
struct Rule: Sendable {
    let name: String
    let arn: ARN
    /// The ARN as text, kept for ordering firings without rebuilding it.
    let arnText: String
    var scheduleText: String?
    var schedule: ScheduleExpression? { didSet { refresh() } }
    var eventPattern: String?
    var pattern: EventPattern?
    var enabled: Bool { didSet { refresh() } }
    var description: String?
    var roleArn: String?
    var targets: [Target] = []
    var tags: [String: String] = [:]
    /// The instant after which the next firing is sought: the last firing, or when the
    /// schedule started. It never moves back, so moving the clock back fires nothing twice.
    var cursor: Date { didSet { refresh() } }
    /// When the schedule started: rate schedules count their intervals from here.
    var anchor: Date { didSet { refresh() } }
    /// The next firing, kept up to date as the fields it depends on change, so finding the
    /// earliest due rule costs a comparison per rule.
    private(set) var nextFire: Date?

    init(name: String, arn: ARN, enabled: Bool, cursor: Date, anchor: Date) {
        self.name = name
        self.arn = arn
        self.arnText = arn.description
        self.enabled = enabled
        self.cursor = cursor
        self.anchor = anchor
    }

    /// The rule's State as the API spells it.
    var state: String { enabled ? "ENABLED" : "DISABLED" }

    private mutating func refresh() {
        nextFire = enabled ? schedule?.next(after: cursor, anchor: anchor) : nil
    }
}

/// A rule's target.
public struct Target: Sendable, Codable, Equatable {
    public var id: String
    public var arn: String
    public var input: String?
    public var inputPath: String?
    public var inputTransformer: InputTransformer?
    public var roleArn: String?

    enum CodingKeys: String, CodingKey {
        case id = "Id", arn = "Arn", input = "Input", inputPath = "InputPath", inputTransformer = "InputTransformer", roleArn = "RoleArn"
    }

    public init(id: String, arn: String, input: String? = nil, inputPath: String? = nil) {
        self.id = id
        self.arn = arn
        self.input = input
        self.inputPath = inputPath
    }
}

/// A target's InputTransformer: values picked from the event by JSONPath, placed in a template.
public struct InputTransformer: Sendable, Codable, Equatable {
    public var inputPathsMap: [String: String]?
    public var inputTemplate: String

    enum CodingKeys: String, CodingKey { case inputPathsMap = "InputPathsMap", inputTemplate = "InputTemplate" }

    public init(inputPathsMap: [String: String]?, inputTemplate: String) {
        self.inputPathsMap = inputPathsMap
        self.inputTemplate = inputTemplate
    }
}

extension EventBridge: AWSService {
    /// EventBridge over JSON 1.1; rules deliver to Lambda and SNS targets.
    public nonisolated var declarations: [ServiceDeclaration] {
        [
            ServiceDeclaration(
                model: EventBridgeOperations.service, validationErrorCode: "ValidationException",
                accessDenied: AccessDeniedStyle(code: "AccessDeniedException", httpStatus: 400), calls: ["lambda", "sns"],
                operations: [
                    bind(Self.describeRule),
                    bind(Self.listRules),
                    bind(Self.deleteRule),
                    bind(Self.listTargetsByRule),
                    bind(Self.removeTargets),
                    bind(Self.listRuleNamesByTarget),
                    bind(Self.tagResource),
                    bind(Self.untagResource),
                    bind(Self.listTagsForResource),
                    bind(Self.putEvents),
                    bind(Self.putRule),
                    bind(Self.putTargets),
                    bind(Self.enableRule),
                    bind(Self.disableRule)
                ])
        ]
    }
}
