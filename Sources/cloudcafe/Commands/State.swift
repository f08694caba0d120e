import ArgumentParser
import CloudCafeCore
import Foundation

/// `cloudcafe state`: snapshots of the whole daemon, for test suites.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state", abstract: "Save, load and list snapshots of the daemon's whole state.", subcommands: [Save.self, Load.self, List.self, Export.self, Import.self])

    struct Save: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "save", abstract: "Take a snapshot named NAME (replacing one of that name).")
        @OptionGroup var endpoint: EndpointOptions
        @Argument(help: "1 to 64 letters, digits, '.', '_' or '-'.") var name: String

        func run() async throws {
            let answer = try await endpoint.json("POST", "/_cloudcafe/state/save", body: .object([("name", .string(name))]))
            print("saved \(name) at \(answer["now"]?.stringValue ?? "?") (\(answer["milliseconds"]?.compact ?? "?") ms)")
        }
    }

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "load", abstract: "Put the whole state back as snapshot NAME had it.")
        @OptionGroup var endpoint: EndpointOptions
        @Argument var name: String

        func run() async throws {
            let answer = try await endpoint.json("POST", "/_cloudcafe/state/load", body: .object([("name", .string(name))]))
            print("loaded \(name); now \(answer["now"]?.stringValue ?? "?") (\(answer["milliseconds"]?.compact ?? "?") ms)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The snapshots there are.")
        @OptionGroup var endpoint: EndpointOptions

        func run() async throws {
            guard case .array(let list)? = try await endpoint.json("GET", "/_cloudcafe/state")["snapshots"] else { return }
            for s in list { print("\(s["name"]?.stringValue ?? "?")  \(s["time"]?.stringValue ?? "?")") }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Write snapshot NAME to FILE, to load on another machine.")
        @OptionGroup var endpoint: EndpointOptions
        @Argument var name: String
        @Argument var file: String

        func run() async throws {
            let data = try await endpoint.call("GET", "/_cloudcafe/state/export?name=\(name.pathSegment)")
            try data.write(to: URL(fileURLWithPath: file))
            print("exported \(name) to \(file) (\(data.count) bytes)")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import", abstract: "Add the snapshot in FILE, under NAME or the name it was saved with.")
        @OptionGroup var endpoint: EndpointOptions
        @Argument var file: String
        @Argument var name: String?

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
            let query = name.map { "?name=\($0.pathSegment)" } ?? ""
            let answer = try JSONValue(parsing: try await endpoint.call("POST", "/_cloudcafe/state/import" + query, body: data))
            print("imported \(answer["name"]?.stringValue ?? "?")")
        }
    }
}
