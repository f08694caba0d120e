import CloudCafeCore
import CloudWatchLogsAPI
import IAMAPI
import LambdaAPI
import CloudWatchLogs
import Foundation
import IAM
import Lambda
import Testing

/// Handlers that misbehave, to see the runtime hold.
struct Sleeper: LambdaHandler {
    func handle(_ event: JSONValue, context: LambdaContext) async throws -> JSONValue {
        context.logger.log("going to sleep")
        try? await Task.sleep(for: .seconds(30))
        return .null
    }
}

struct EnvironmentEcho: LambdaHandler {
    func handle(_ event: JSONValue, context: LambdaContext) async throws -> JSONValue {
        .object(
            ["AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "GREETING"].map {
                ($0, context.environment[$0].map(JSONValue.string) ?? .null)
            })
    }
}

struct LambdaRuntimeTests {
    let dispatcher = Dispatcher(clock: VirtualClock(start: TimeText.instant("2026-11-28T20:00:00Z"), rate: 0))
    let lambda: Lambda
    let logs: CloudWatchLogs
    let root: AWSClient

    init() async throws {
        logs = CloudWatchLogs(dispatcher: dispatcher)
        lambda = Lambda(dispatcher: dispatcher, handlers: ["sleeper.handler": Sleeper(), "echo.handler": EnvironmentEcho()])
        let iam = IAM(account: "000000000000")
        try dispatcher.install(lambda.declarations + logs.declarations + iam.declarations)
        root = dispatcher.client(as: .root(account: "000000000000"), region: "eu-west-1")
        _ = try await root.send(
            IAMOperations.createRole,
            CreateRoleRequest(
                roleName: "r",
                assumeRolePolicyDocument:
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#))
    }

    func create(_ name: String, handler: String, timeout: Int? = nil, env: [String: String]? = nil) async throws -> FunctionConfiguration {
        try await root.send(
            LambdaOperations.createFunction,
            CreateFunctionRequest(
                functionName: name, runtime: "python3.9", role: "arn:aws:iam::000000000000:role/r", handler: handler, code: FunctionCode(zipFile: Data()),
                timeout: timeout, environment: env.map { Environment(variables: $0) }))
    }

    @Test func defaultsAreAWSs() async throws {
        let config = try await create("f", handler: "echo.handler")
        #expect(config.memorySize == 128)
        #expect(config.timeout == 3)
        #expect(config.functionArn == "arn:aws:lambda:eu-west-1:000000000000:function:f")
        #expect(config.lastModified == "2026-11-28T20:00:00.000+0000")
        #expect(config.codeSha256 == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
    }

    @Test func handlerSeesItsEnvironment() async throws {
        _ = try await create("echo", handler: "echo.handler", env: ["GREETING": "hi"])
        let out = try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "echo"))
        #expect(
            String(decoding: out.payload ?? Data(), as: UTF8.self)
                == #"{"AWS_REGION": "eu-west-1", "AWS_LAMBDA_FUNCTION_NAME": "echo", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "GREETING": "hi"}"#)
    }

    @Test func overrunningHandlerTimesOut() async throws {
        // Given a function whose handler sleeps past its one-second timeout
        _ = try await create("slow", handler: "sleeper.handler", timeout: 1)
        // When it is invoked
        let out = try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "slow"))
        // Then Lambda answers Sandbox.Timedout and logs the timeout
        #expect(out.functionError == "Unhandled")
        let json = try JSONValue(parsing: out.payload ?? Data())
        #expect(json["errorType"] == .string("Sandbox.Timedout"))
        let message = try #require(json["errorMessage"]?.stringValue)
        #expect(message.hasPrefix("RequestId: ") && message.hasSuffix(" Error: Task timed out after 1.00 seconds"))
        let stream = try #require(
            try await root.send(CloudWatchLogsOperations.describeLogStreams, DescribeLogStreamsRequest(logGroupName: "/aws/lambda/slow")).logStreams?.first)
        #expect(stream.logStreamName?.hasPrefix("2026/11/28/[$LATEST]") == true)
        let lines = try await root.send(CloudWatchLogsOperations.getLogEvents, GetLogEventsRequest(logGroupName: "/aws/lambda/slow", logStreamName: stream.logStreamName ?? ""))
            .events?.compactMap(\.message) ?? []
        #expect(lines[1] == "going to sleep")
        #expect(lines[2].hasSuffix(" Task timed out after 1.00 seconds"))
        #expect(lines.last?.hasSuffix("\tStatus: timeout") == true)
    }

    @Test func unknownHandlerCannotBeImported() async throws {
        _ = try await create("ghost", handler: "ghost.lambda_handler")
        _ = try await create("typo", handler: "echo.handle")
        let ghost = try JSONValue(parsing: try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "ghost")).payload ?? Data())
        #expect(ghost["errorType"] == .string("Runtime.ImportModuleError"))
        #expect(ghost["errorMessage"] == .string("Unable to import module 'ghost': No module named 'ghost'"))
        let typo = try JSONValue(parsing: try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "typo")).payload ?? Data())
        #expect(typo["errorType"] == .string("Runtime.HandlerNotFound"))
        #expect(typo["errorMessage"] == .string("Handler 'handle' missing on module 'echo'"))
    }

    @Test func secondInvocationIsWarm() async throws {
        _ = try await create("echo", handler: "echo.handler")
        _ = try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "echo"))
        _ = try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "echo"))
        let streams = try await root.send(CloudWatchLogsOperations.describeLogStreams, DescribeLogStreamsRequest(logGroupName: "/aws/lambda/echo")).logStreams ?? []
        #expect(streams.count == 1)
        let lines = try await root.send(
            CloudWatchLogsOperations.getLogEvents, GetLogEventsRequest(logGroupName: "/aws/lambda/echo", logStreamName: streams[0].logStreamName ?? "")
        ).events?.compactMap(\.message) ?? []
        let reports = lines.filter { $0.hasPrefix("REPORT") }
        #expect(reports.count == 2)
        #expect(reports[0].contains("Init Duration") && !reports[1].contains("Init Duration"))
    }

    @Test func roleMustTrustLambda() async throws {
        do {
            _ = try await root.send(
                LambdaOperations.createFunction,
                CreateFunctionRequest(
                    functionName: "f", runtime: "python3.9", role: "arn:aws:iam::000000000000:role/missing", handler: "echo.handler",
                    code: FunctionCode(zipFile: Data())))
            Issue.record("created with a missing role")
        } catch let e as AWSClientError {
            #expect(e.error.errorCode == "InvalidParameterValueException")
            #expect(e.error.message == "The role defined for the function cannot be assumed by Lambda.")
        }
    }

    @Test func errorsAreLambdas() async throws {
        await #expect(throws: AWSClientError.self) { _ = try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "missing")) }
        do {
            _ = try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "missing"))
        } catch let e as AWSClientError {
            #expect(e.error.errorCode == "ResourceNotFoundException")
            #expect(e.error.httpStatus == 404)
            #expect(e.error.message == "Function not found: arn:aws:lambda:eu-west-1:000000000000:function:missing")
        }
        _ = try await create("echo", handler: "echo.handler")
        do {
            _ = try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "echo", payload: Data("{not json".utf8)))
            Issue.record("accepted invalid JSON")
        } catch let e as AWSClientError {
            #expect(e.error.errorCode == "InvalidRequestContentException")
        }
        do {
            _ = try await root.send(
                LambdaOperations.invoke, InvocationRequest(functionName: "echo", payload: Data(("\"" + String(repeating: "x", count: 6_291_456) + "\"").utf8)))
            Issue.record("accepted 6 MB")
        } catch let e as AWSClientError {
            #expect(e.error.errorCode == "RequestTooLargeException")
            #expect(e.error.httpStatus == 413)
        }
    }
}
