import ArgumentParser
import CloudCafeCore
import Foundation

/// `cloudcafe invoke`: run a function synchronously and print its result.
struct Invoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "invoke", abstract: "Invoke a function synchronously and print what it returned.")
    @OptionGroup var endpoint: EndpointOptions
    @Argument(help: "Function name or ARN.") var function: String
    @Argument(help: "The event, as JSON.") var payload = "{}"

    func run() async throws {
        let answer = try JSONValue(parsing: try await endpoint.call("POST", "/_cloudcafe/invoke/\(function.pathSegment)", body: Data(payload.utf8)))
        if let error = answer["error"]?.stringValue { throw CLIError("\(error): \(answer["message"]?.stringValue ?? "")") }
        print(answer["Payload"]?.stringValue ?? "")
        if let failure = answer["FunctionError"]?.stringValue { throw CLIError("the function failed (\(failure))") }
    }
}
