import CloudCafeCore
import CloudWatchLogsAPI
import EventBridgeAPI
import IAMAPI
import LambdaAPI
import SNSAPI
import SQSAPI
import SSMAPI
import STSAPI
import SchedulerAPI
import Testing

/// The generated models, checked against botocore's own rules as AWS applies them.
struct GeneratedModelTests {
    static let models: [ServiceModel] = [
        SNSOperations.service, LambdaOperations.service, IAMOperations.service, STSOperations.service, EventBridgeOperations.service,
        SchedulerOperations.service, CloudWatchLogsOperations.service, SSMOperations.service, SQSOperations.service,
    ]

    /// Swift's Regex has no lookbehind; these patterns are not enforced, and no other may join them unnoticed.
    static let knownUncompilable: [String: [String]] = ["lambda": [#"[0-9A-Za-z\.\-_]*(?<!\.)"#]]

    @Test(arguments: models.map(\.name))
    func everyPatternCompilesAsSwiftRegex(_ name: String) throws {
        let model = try #require(Self.models.first { $0.name == name })
        #expect(Set(uncompilablePatterns(model)) == Set(Self.knownUncompilable[name] ?? []))
    }

    /// The byte-by-byte check of one-class patterns answers as the Regex does.
    @Test(arguments: models.map(\.name))
    func classPatternsCheckedAsBytesAgreeWithTheRegex(_ name: String) throws {
        let model = try #require(Self.models.first { $0.name == name })
        let printable = (0x20..<0x7F).map { String(UnicodeScalar(UInt8($0))) }
        let samples =
            [""] + printable + printable.map { $0 + $0 + "a" } + printable.map { "A9" + $0 }
            + ["/aws/lambda/f", "arn:aws:iam::123456789012:role/x", "a b", "a:b", "Hello World!", "x*y", "2026/11/28/[$LATEST]0a", "{\"k\":1}"]
        #expect(byteClassDisagreements(model, samples: samples) == [])
    }

    /// The automaton that checks the other patterns answers as the Regex does, on texts made
    /// from each pattern (accepted walks and near misses) and on the samples above.
    /// Pattern by pattern, yielding between them: a debug build's Regex is slow, and a test
    /// that held a thread for seconds starved the tests whose handlers run on a clock.
    @Test(arguments: models.map(\.name))
    func patternsMatchedAsAutomataAgreeWithTheRegex(_ name: String) async throws {
        let model = try #require(Self.models.first { $0.name == name })
        let samples =
            ["", " ", "a", "Z", "0", "-", "_", ".", ":", "/", "*", "$", "@", "+", "=", ",", "~", "\\", "\"", "[", "(", "{", "|", "^", "/aws/lambda/f", "arn:aws:iam::123456789012:role/x", "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST", "a b", "a:b",
            "Hello World!", "x*y", "2026/11/28/[$LATEST]0a", "{\"k\":1}", "rate(5 minutes)", "cron(0 20 ? * MON-SAT *)", "f:1", "-", "a-b_c"]
        var disagreeing: [String] = []
        for (i, pattern) in Set(model.shapes.values.compactMap(\.pattern)).sorted().enumerated() {
            if bytePatternDisagrees(pattern, samples: samples, seed: UInt64(i + 1)) { disagreeing.append(pattern) }
            await Task.yield()
        }
        #expect(disagreeing == [])
    }

    /// Only patterns with look-around (`(?!…)`, `(?<!…)`) are left to the Regex.
    @Test func nearlyEveryPatternIsMatchedWithoutTheRegex() {
        for model in Self.models {
            let (bytes, all) = bytePatternCount(model)
            #expect(all - bytes <= 3, "\(model.name): \(bytes) of \(all)")
        }
    }

    @Test func logsIAMAndLambdaNamesAreCheckedAsBytes() {
        for model in [CloudWatchLogsOperations.service, IAMOperations.service, LambdaOperations.service] {
            #expect(byteClassPatternCount(model) >= 5, "\(model.name)")
        }
    }

    @Test(arguments: models.map(\.name))
    func everyShapeAnOperationNamesIsModelled(_ name: String) throws {
        let model = try #require(Self.models.first { $0.name == name })
        for op in model.operations {
            for shape in [op.input, op.output].compactMap({ $0 }) { #expect(model.shapes[shape] != nil, "\(op.name): \(shape)") }
        }
    }

    @Test func missingRequiredMembersAreListedInModelOrder() throws {
        // Given a PutParameter with neither Name nor Value
        let violations = ShapeValidator(SSMOperations.service).violations(of: .object([]), shape: "PutParameterRequest")
        // Then AWS's message names both, joined as AWS joins them
        #expect(
            ConstraintViolation.message(violations)
                == "2 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; "
                + "Value null at 'value' failed to satisfy constraint: Member must not be null")
    }

    @Test func listLengthsPrintTheListAsAWSDoes() throws {
        let names = JSONValue.array((1...11).map { .string("/p\($0)") })
        let violations = ShapeValidator(SSMOperations.service).violations(of: .object([("Names", names)]), shape: "GetParametersRequest")
        #expect(violations.map(\.text) == [
            "Value '[/p1, /p2, /p3, /p4, /p5, /p6, /p7, /p8, /p9, /p10, /p11]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 10"
        ])
    }

    @Test func patternsRangesAndEnumsUseTheModelsWords() throws {
        // Given a log group name with a space, and Lambda's out-of-range timeout and unknown invocation type
        let logs = ShapeValidator(CloudWatchLogsOperations.service).violations(
            of: .object([("logGroupName", .string("a b"))]), shape: "CreateLogGroupRequest")
        #expect(logs.map(\.text) == [
            #"Value 'a b' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+"#
        ])
        let invoke = ShapeValidator(LambdaOperations.service).violations(
            of: .object([("FunctionName", .string("f")), ("InvocationType", .string("Later"))]), shape: "InvocationRequest")
        #expect(invoke.map(\.text) == [
            "Value 'Later' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]"
        ])
        let timeout = ShapeValidator(LambdaOperations.service).violations(
            of: .object([("FunctionName", .string("f")), ("Timeout", .int(0))]), shape: "UpdateFunctionConfigurationRequest")
        #expect(timeout.map(\.text) == ["Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1"])
    }

    @Test func nestedMembersAreNamedByTheirPath() throws {
        // Given an AssumeRole whose session policy ARN is too short
        let input = JSONValue.object([
            ("RoleArn", .string("arn:aws:iam::000000000000:role/r")), ("RoleSessionName", .string("s")),
            ("PolicyArns", .array([.object([("arn", .string("x"))])])),
        ])
        let texts = ShapeValidator(STSOperations.service).violations(of: input, shape: "AssumeRoleRequest").map(\.text)
        #expect(texts.contains("Value 's' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"))
        #expect(texts.contains("Value 'x' at 'policyArns.1.member.arn' failed to satisfy constraint: Member must have length greater than or equal to 20"))
    }
}
