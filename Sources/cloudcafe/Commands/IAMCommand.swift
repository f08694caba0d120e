import ArgumentParser
import CloudCafeCore

/// `cloudcafe iam`: what IAM decided, and why.
struct IAMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "iam", abstract: "Inspect IAM's decisions.", subcommands: [Explain.self])

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Show recent IAM decisions (denials only unless --all), with the statements that decided them.")
        @OptionGroup var endpoint: EndpointOptions
        @Flag(help: "Include allowed calls.") var all = false
        @Option(help: "How many decisions to show.") var limit = 10

        func run() async throws {
            let answer = try await endpoint.json("GET", "/_cloudcafe/iam/decisions?denied=\(!all)&limit=\(limit)")
            guard case .array(let decisions)? = answer["decisions"] else { return }
            if decisions.isEmpty { print(all ? "no decisions yet" : "no denials (IAM mode: \(answer["mode"]?.stringValue ?? "?"))") }
            for d in decisions {
                let field = { (k: String) in d[k]?.stringValue ?? "" }
                print("\(field("time"))  \(field("decision"))  \(field("principal"))  \(field("action"))  \(field("resource"))")
                print("  \(field("explanation"))")
            }
        }
    }
}
