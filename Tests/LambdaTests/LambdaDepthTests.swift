import CloudCafeCore
import CloudWatchLogs
import Foundation
import IAM
import IAMAPI
import Lambda
import LambdaAPI
import Synchronization
import Testing

/// Counts its invocations and fails while asked to.
final class Counter: LambdaHandler {
    let calls = Mutex(0)
    let failing: Bool

    init(failing: Bool) { self.failing = failing }

    func handle(_ event: JSONValue, context: LambdaContext) async throws -> JSONValue {
        calls.withLock { $0 += 1 }
        if failing { throw HandlerFailure(type: "ValueError", message: "no") }
        return .string(context.environment["AWS_LAMBDA_FUNCTION_VERSION"] ?? "")
    }
}

/// Versions, aliases, throttling and the asynchronous queue, in process on a frozen clock.
struct LambdaDepthTests {
    let dispatcher = Dispatcher(clock: VirtualClock(start: TimeText.instant("2026-11-28T20:00:00Z"), rate: 0), ids: IDGenerator(seed: 7))
    let ok = Counter(failing: false)
    let bad = Counter(failing: true)
    let lambda: Lambda
    let root: AWSClient

    init() async throws {
        lambda = Lambda(dispatcher: dispatcher, handlers: ["ok.handler": ok, "bad.handler": bad])
        try dispatcher.install(lambda.declarations + CloudWatchLogs(dispatcher: dispatcher).declarations + IAM(account: "000000000000").declarations)
        root = dispatcher.client(as: .root(account: "000000000000"), region: "us-east-1")
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        _ = try await root.send(IAMOperations.createRole, CreateRoleRequest(roleName: "r", assumeRolePolicyDocument: trust))
        for (name, handler) in [("ok", "ok.handler"), ("bad", "bad.handler")] {
            _ = try await root.send(
                LambdaOperations.createFunction,
                CreateFunctionRequest(
                    functionName: name, runtime: "python3.11", role: "arn:aws:iam::000000000000:role/r", handler: handler, code: FunctionCode(zipFile: Data())))
        }
    }

    func version(_ qualifier: String) async throws -> String? {
        let out = try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "ok", qualifier: qualifier))
        return out.executedVersion
    }

    @Test func aliasWeightsSplitTrafficReproducibly() async throws {
        _ = try await root.send(LambdaOperations.publishVersion, PublishVersionRequest(functionName: "ok"))
        _ = try await root.send(LambdaOperations.updateFunctionConfiguration, UpdateFunctionConfigurationRequest(functionName: "ok", timeout: 5))
        _ = try await root.send(LambdaOperations.publishVersion, PublishVersionRequest(functionName: "ok"))
        _ = try await root.send(
            LambdaOperations.createAlias,
            CreateAliasRequest(
                functionName: "ok", name: "canary", functionVersion: "1", routingConfig: AliasRoutingConfiguration(additionalVersionWeights: ["2": 0.25])))
        var counts: [String: Int] = [:]
        for _ in 0..<400 { counts[try await version("canary") ?? "", default: 0] += 1 }
        #expect(counts.keys.sorted() == ["1", "2"])
        #expect((60...140).contains(counts["2"] ?? 0))
        #expect(try await version("2") == "2")
        #expect(try await version("$LATEST") == "$LATEST")
    }

    @Test func aFailedEventIsTriedThreeTimesOnTheClock() async throws {
        _ = try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "bad", invocationType: "Event", payload: Data("{}".utf8)))
        // The event is on the Agenda, due now.
        _ = await dispatcher.agenda.advance(by: 0)
        #expect(bad.calls.withLock { $0 } == 1)
        _ = await dispatcher.agenda.advance(by: 60)
        #expect(bad.calls.withLock { $0 } == 2)
        _ = await dispatcher.agenda.advance(by: 120)
        #expect(bad.calls.withLock { $0 } == 3)
        _ = await dispatcher.agenda.advance(by: 3600)
        #expect(bad.calls.withLock { $0 } == 3)
    }

    @Test func retriesFollowTheFunctionsConfiguration() async throws {
        _ = try await root.send(
            LambdaOperations.putFunctionEventInvokeConfig, PutFunctionEventInvokeConfigRequest(functionName: "bad", maximumRetryAttempts: 0))
        _ = try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "bad", invocationType: "Event", payload: Data("{}".utf8)))
        await dispatcher.work.waitUntilIdle()
        _ = await dispatcher.agenda.advance(by: 3600)
        #expect(bad.calls.withLock { $0 } == 1)
    }

    @Test func aReservationOfZeroHoldsEventsUntilLifted() async throws {
        _ = try await root.send(LambdaOperations.putFunctionConcurrency, PutFunctionConcurrencyRequest(functionName: "ok", reservedConcurrentExecutions: 0))
        do {
            _ = try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "ok"))
            Issue.record("a function with no concurrency ran")
        } catch let e as AWSClientError {
            #expect(e.error.errorCode == "TooManyRequestsException")
            #expect(e.error.httpStatus == 429)
        }
        _ = try await root.send(LambdaOperations.invoke, InvocationRequest(functionName: "ok", invocationType: "Event", payload: Data("{}".utf8)))
        _ = await dispatcher.agenda.advance(by: 600)
        #expect(ok.calls.withLock { $0 } == 0)
        _ = try await root.send(LambdaOperations.deleteFunctionConcurrency, DeleteFunctionConcurrencyRequest(functionName: "ok"))
        _ = await dispatcher.agenda.advance(by: 600)
        #expect(ok.calls.withLock { $0 } == 1)
    }
}
