import CloudCafeCore
import Foundation
import LambdaAPI

// Concurrency: the account's limit, functions' reservations, and throttling.
extension Lambda {
    /// Lambda keeps at least this much of the account's concurrency unreserved.
    static let minimumUnreserved = 100

    enum Throttle {
        case reserved
        case account

        var error: LambdaError {
            LambdaError(
                code: .tooManyRequests, message: "Rate Exceeded.",
                reason: self == .reserved ? "ReservedFunctionConcurrentInvocationLimitExceeded" : "ConcurrentInvocationLimitExceeded")
        }
    }

    var reservedTotal: Int { functions.values.reduce(0) { $0 + ($1.reservedConcurrency ?? 0) } }

    /// Why an invocation of `f` may not start now, if it may not: its reservation is used up
    /// (0 disables it), or the account's unreserved pool is.
    func throttled(_ f: Function) -> Throttle? {
        let key = Key(region: f.arn.region, name: f.name)
        let running = inFlight[key, default: 0]
        if let reserved = functions[key]?.reservedConcurrency { return running >= reserved ? .reserved : nil }
        let reservedRunning = functions.filter { $0.value.reservedConcurrency != nil }.reduce(0) { $0 + inFlight[$1.key, default: 0] }
        return totalInFlight - reservedRunning >= accountConcurrency - reservedTotal ? .account : nil
    }

    /// Counts an invocation in while `body` runs; built-ins and processes count alike.
    func counted<T>(_ f: Function, _ body: () async -> T) async -> T {
        let key = Key(region: f.arn.region, name: f.name)
        inFlight[key, default: 0] += 1
        totalInFlight += 1
        defer {
            inFlight[key, default: 1] -= 1
            if inFlight[key] == 0 { inFlight[key] = nil }
            totalInFlight -= 1
        }
        return await body()
    }

    func putConcurrency(_ input: PutFunctionConcurrencyRequest, _ ctx: CallContext) throws(LambdaError) -> Concurrency {
        var f = try function(input.functionName, ctx)
        let others = reservedTotal - (f.reservedConcurrency ?? 0)
        guard accountConcurrency - others - input.reservedConcurrentExecutions >= Self.minimumUnreserved else {
            throw .invalid(
                "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [\(Self.minimumUnreserved)]."
            )
        }
        f.reservedConcurrency = input.reservedConcurrentExecutions
        store(f)
        return Concurrency(reservedConcurrentExecutions: input.reservedConcurrentExecutions)
    }

    func getConcurrency(_ input: GetFunctionConcurrencyRequest, _ ctx: CallContext) throws(LambdaError) -> GetFunctionConcurrencyResponse {
        GetFunctionConcurrencyResponse(reservedConcurrentExecutions: try function(input.functionName, ctx).reservedConcurrency)
    }

    func deleteConcurrency(_ input: DeleteFunctionConcurrencyRequest, _ ctx: CallContext) throws(LambdaError) -> EmptyShape {
        var f = try function(input.functionName, ctx)
        f.reservedConcurrency = nil
        store(f)
        return EmptyShape()
    }

    func accountSettings(_ ctx: CallContext) -> GetAccountSettingsResponse {
        let mine = functions.values.filter { $0.arn.region == ctx.region }
        let codeSize = mine.reduce(0) { sum, f in sum + f.codeSize + f.versions.reduce(0) { $0 + $1.codeSize } }
        return GetAccountSettingsResponse(
            accountLimit: AccountLimit(
                totalCodeSize: 80_530_636_800, codeSizeUnzipped: 262_144_000, codeSizeZipped: 52_428_800, concurrentExecutions: accountConcurrency,
                unreservedConcurrentExecutions: accountConcurrency - reservedTotal),
            accountUsage: AccountUsage(totalCodeSize: codeSize, functionCount: mine.count))
    }
}
