import ArgumentParser
import CloudCafeCore

/// `cloudcafe rules`: scheduled rules.
struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "Inspect scheduled rules.", subcommands: [Next.self])

    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "next", abstract: "List a rule's upcoming fire times after the clock's now.")
        @OptionGroup var endpoint: EndpointOptions
        @Argument var rule: String
        @Option var count = 5

        func run() async throws {
            let answer = try await endpoint.json("GET", "/_cloudcafe/rules/\(rule.pathSegment)/next?count=\(count)")
            guard case .array(let times)? = answer["times"] else { return }
            for t in times { print(t.stringValue ?? "") }
        }
    }
}

/// `cloudcafe schedules`: EventBridge Scheduler schedules.
struct Schedules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schedules", abstract: "Inspect EventBridge Scheduler schedules.", subcommands: [Next.self])

    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "next", abstract: "List a schedule's upcoming delivery times after the clock's now.")
        @OptionGroup var endpoint: EndpointOptions
        @Argument var schedule: String
        @Option var group = "default"
        @Option var count = 5

        func run() async throws {
            let answer = try await endpoint.json("GET", "/_cloudcafe/schedules/\(schedule.pathSegment)/next?group=\(group.pathSegment)&count=\(count)")
            guard case .array(let times)? = answer["times"] else { return }
            for t in times { print(t.stringValue ?? "") }
        }
    }
}
