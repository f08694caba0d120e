import ArgumentParser
import CloudCafeCore
import Foundation

/// `cloudcafe logs`: a function's log lines.
struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a function's (or a log group's) events in time order.")
    @OptionGroup var endpoint: EndpointOptions
    @Argument(help: "A function name, or a log group name starting with '/'.") var name: String

    func run() async throws {
        let group = name.hasPrefix("/") ? name : "/aws/lambda/\(name)"
        let answer = try await endpoint.json("GET", "/_cloudcafe/logs?group=\(group.pathSegment)")
        guard case .array(let events)? = answer["events"] else { return }
        for e in events {
            let ms = Double(e["timestamp"]?.intValue ?? 0) / 1000
            print("\(TimeText.iso8601(Date(timeIntervalSince1970: ms))) \(e["message"]?.stringValue ?? "")")
        }
    }
}
