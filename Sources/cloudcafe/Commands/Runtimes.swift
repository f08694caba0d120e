import ArgumentParser
import CloudCafeCore
import Foundation
import Runtimes

/// `cloudcafe runtimes install`: what functions' own code needs, into the per-user cache.
struct RuntimesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runtimes", abstract: "Install the runtimes functions' own code runs on.", subcommands: [Install.self])

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "install",
            abstract: "Install AWS's Python runtime interface client with boto3, and the virtual-clock shim, into the runtimes cache.",
            discussion: "The cache is ~/.cache/cloudcafe/runtimes (or $CLOUDCAFE_RUNTIMES_DIR), shared by every daemon of this user; installing twice is quick."
        )
        @Option(name: .customLong("python"), help: "Also install for this interpreter (python3.12); repeatable.") var pythons: [String] = []

        func run() throws {
            let installation = RuntimeInstallation()
            do {
                try installation.install(pythons: pythons) { print($0) }
            } catch let e as InstallError {
                throw CLIError(e.description)
            }
        }
    }
}

/// `cloudcafe use-code NAME` / `use-builtin NAME`: which code a function runs.
struct UseCode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "use-code", abstract: "Run a function's uploaded code instead of its built-in handler (tags it cloudcafe:runtime=code).")
    @OptionGroup var endpoint: EndpointOptions
    @Argument(help: "Function name or ARN.") var function: String

    func run() async throws { try await choose(endpoint, function, "code") }
}

struct UseBuiltin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "use-builtin", abstract: "Run a function's built-in handler again (tags it cloudcafe:runtime=builtin).")
    @OptionGroup var endpoint: EndpointOptions
    @Argument(help: "Function name or ARN.") var function: String

    func run() async throws { try await choose(endpoint, function, "builtin") }
}

private func choose(_ endpoint: EndpointOptions, _ function: String, _ runtime: String) async throws {
    let answer = try await endpoint.json("POST", "/_cloudcafe/functions/\(function.pathSegment)/runtime", body: .object([("runtime", .string(runtime))]))
    if let error = answer["error"]?.stringValue { throw CLIError("\(error): \(answer["message"]?.stringValue ?? "")") }
    print("\(answer["function"]?.stringValue ?? function) runs its \(runtime == "code" ? "uploaded code" : "built-in handler")")
}
