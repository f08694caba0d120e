import ArgumentParser
import CloudCafeCore
import Foundation

/// `cloudcafe state`: snapshots of the whole daemon, for test suites.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state", abstract: "Save, load and list snapshots of the daemon's whole state.", subcommands: [Save.self, Load.self, List.self])

    struct Save: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a snapshot named NAME (replacing one of that name).")
        @OptionGroup var endpoint: EndpointOptions
        @Argument(help: "1 to 64 letters, digits, '.', '_' or '-'.") var name: String

        func run() async throws {
            let answer = try await endpoint.json("POST", "/_cloudcafe/state/save", body: .object([("name", .string(name))]))
            print("saved \(name) at \(answer["now"]?.stringValue ?? "?") (\(answer["milliseconds"]?.compact ?? "?") ms)")
        }
    }

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put the whole state back as snapshot NAME had it.")
        @OptionGroup var endpoint: EndpointOptions
        @Argument var name: String

        func run() async throws {
            let answer = try await endpoint.json("POST", "/_cloudcafe/state/load", body: .object([("name", .string(name))]))
            print("loaded \(name); now \(answer["now"]?.stringValue ?? "?") (\(answer["milliseconds"]?.compact ?? "?") ms)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The snapshots there are.")
        @OptionGroup var endpoint: EndpointOptions

        func run() async throws {
            guard case .array(let list)? = try await endpoint.json("GET", "/_cloudcafe/state")["snapshots"] else { return }
            for s in list { print("\(s["name"]?.stringValue ?? "?")  \(s["time"]?.stringValue ?? "?")") }
        }
    }
}
