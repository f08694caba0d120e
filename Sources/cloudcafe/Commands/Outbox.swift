import ArgumentParser
import CloudCafeCore
import Foundation

/// `cloudcafe outbox`: the emails SNS delivered.
struct Outbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "List and read delivered emails.", subcommands: [List.self, Show.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "One line per email: file, time, recipient, subject.")
        @OptionGroup var endpoint: EndpointOptions

        func run() async throws {
            guard case .array(let messages) = try await endpoint.json("GET", "/_cloudcafe/outbox") else { return }
            for m in messages {
                print([m["file"], m["time"], m["to"], m["subject"]].map { $0?.stringValue ?? "" }.joined(separator: "  "))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print an email's headers and decoded body.")
        @OptionGroup var endpoint: EndpointOptions
        @Argument(help: "'latest' or a file name from 'outbox list'.") var name = "latest"
        @Flag(help: "Print the raw message file instead.") var raw = false

        func run() async throws {
            let text = String(decoding: try await endpoint.call("GET", "/_cloudcafe/outbox/\(name.pathSegment)"), as: UTF8.self)
            guard !raw, let split = text.range(of: "\n\n") else {
                print(text, terminator: "")
                return
            }
            for line in text[..<split.lowerBound].split(separator: "\n") where ["From", "To", "Subject", "Date"].contains(where: { line.hasPrefix($0 + ":") }) {
                print(line)
            }
            print("")
            let encoded = text[split.upperBound...].filter { !$0.isWhitespace }
            print(Data(base64Encoded: String(encoded)).map { String(decoding: $0, as: UTF8.self) } ?? String(text[split.upperBound...]))
        }
    }
}
