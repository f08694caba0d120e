import ArgumentParser
import CloudCafeCore
import Foundation

/// `cloudcafe reset`: back to the freshly deployed stack, for the next test.
struct Reset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Return everything to the freshly deployed stack: resources, emails, orders, IAM decisions, the timeline and the clock.")
    @OptionGroup var endpoint: EndpointOptions
    @Option(help: "Where to put the clock (ISO 8601); default: where the daemon started.") var clock: String?

    func validate() throws {
        if let clock, TimeText.instant(clock) == nil { throw ValidationError("--clock must be an ISO 8601 instant such as 2026-11-27T19:59:00Z") }
    }

    func run() async throws {
        let answer = try await endpoint.json("POST", "/_cloudcafe/reset", body: .object(clock.map { [("clock", .string($0))] } ?? []))
        print("reset; now \(answer["now"]?.stringValue ?? "?")")
    }
}
