import ArgumentParser
import CloudCafeCore

/// The `cloudcafe` command: the daemon and the verbs that talk to it.
@main
struct CloudCafeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloudcafe",
        abstract: "A local AWS for the café sales-report application, on a clock you control.", version: CloudCafeVersion.current,
        subcommands: [
            Serve.self, Clock.self, Outbox.self, Invoke.self, Logs.self, Rules.self, Schedules.self, Orders.self, IAMCommand.self, RuntimesCommand.self, TimelineCommand.self, Reset.self, StateCommand.self,
            UseCode.self, UseBuiltin.self,
        ])
}
