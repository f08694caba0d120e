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

    /// The daemon's start skips ArgumentParser when its options read directly (ServeOptions);
    /// every other command line is ArgumentParser's.
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == "serve", let options = ServeOptions(arguments: arguments.dropFirst()), (try? options.validate()) != nil {
            do {
                try await options.run()
            } catch {
                exit(withError: error)
            }
            return
        }
        await main(nil)
    }
}
