import ArgumentParser
import CloudCafeCore
import Foundation

/// `cloudcafe clock`: show, advance or set the virtual clock.
struct Clock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clock",
        abstract: "Show or move the virtual clock.", subcommands: [Show.self, Advance.self, Set.self, Rate.self], defaultSubcommand: Show.self)

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the virtual time and rate.")
        @OptionGroup var endpoint: EndpointOptions

        func run() async throws {
            let state = try await endpoint.json("GET", "/_cloudcafe/clock")
            print("\(state["now"]?.stringValue ?? "?") (rate \(state["rate"].map { $0.compact } ?? "?"))")
        }
    }

    struct Advance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "advance",
            abstract: "Move the clock forward, running every firing in between.",
            discussion: "DURATION is 90s, 2m, 3h, 1d, 1w, 1y or ISO 8601 such as PT2M.")
        @OptionGroup var endpoint: EndpointOptions
        @Argument(help: "How far to move.") var duration: String?
        @Flag(name: .customLong("to-next"), help: "Jump to the next firing of anything.") var toNext = false

        func validate() throws {
            guard toNext || duration.flatMap(TimeText.duration) != nil else {
                throw ValidationError("give a duration such as 2m, 90s, 3h, 1d, 1w or PT2M, or --to-next")
            }
        }

        func run() async throws {
            if toNext {
                printMove(try await endpoint.json("POST", "/_cloudcafe/clock", body: .object([("toNext", .bool(true))])))
                return
            }
            guard let duration, let seconds = TimeText.duration(duration) else {
                throw ValidationError("give a duration such as 2m, 90s, 3h, 1d, 1w or PT2M, or --to-next")
            }
            // A long move runs as week-long steps, each printing what fired, with progress on stderr.
            let week = 7.0 * 86_400
            guard seconds > week else {
                printMove(try await endpoint.json("POST", "/_cloudcafe/clock", body: .object([("advance", .string(duration))])))
                return
            }
            let start = try await endpoint.json("GET", "/_cloudcafe/clock")["now"]?.stringValue.flatMap(TimeText.instant) ?? Date()
            let target = start.addingTimeInterval(seconds)
            var moved = 0.0
            var count = 0
            var last: JSONValue = .null
            while moved < seconds {
                let step = min(week, seconds - moved)
                moved += step
                let stepTarget = moved >= seconds ? target : start.addingTimeInterval(moved)
                last = try await endpoint.json("POST", "/_cloudcafe/clock", body: .object([("set", .string(TimeText.iso8601(stepTarget)))]))
                if case .array(let fired)? = last["fired"] {
                    count += fired.count
                    for f in fired { print(firingLine(f)) }
                }
                let percent = Int((moved / seconds * 100).rounded())
                FileHandle.standardError.write(Data("\r\(percent)% \(TimeText.iso8601(stepTarget)) — \(count) firings".utf8))
            }
            FileHandle.standardError.write(Data("\n".utf8))
            print("now \(last["now"]?.stringValue ?? "?")")
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Set the clock to an instant; forward runs every firing in between.")
        @OptionGroup var endpoint: EndpointOptions
        @Argument(help: "An ISO 8601 instant such as 2026-11-28T19:59:00Z.") var instant: String

        func validate() throws {
            guard TimeText.instant(instant) != nil else { throw ValidationError("give an ISO 8601 instant such as 2026-11-28T19:59:00Z") }
        }

        func run() async throws {
            printMove(try await endpoint.json("POST", "/_cloudcafe/clock", body: .object([("set", .string(instant))])))
        }
    }

    struct Rate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rate", abstract: "Set the clock's speed: 0 frozen, 1 real time, N faster.")
        @OptionGroup var endpoint: EndpointOptions
        @Argument var rate: Double

        func run() async throws {
            printMove(try await endpoint.json("POST", "/_cloudcafe/clock", body: .object([("rate", .number(String(rate)))])))
        }
    }
}

/// Prints what a clock move did: each firing and what it led to, then the new time.
func printMove(_ state: JSONValue) {
    if case .array(let fired)? = state["fired"] {
        for f in fired { print(firingLine(f)) }
        if let count = state["firedCount"]?.intValue, count > fired.count { print("… and \(count - fired.count) more firings") }
    }
    print("now \(state["now"]?.stringValue ?? "?")")
}

/// `fired salesAnalysisReportDailyTrigger at 2026-11-27T20:00:00Z: salesAnalysisReport ok, salesAnalysisReportDataExtractor ok; 1 email`
func firingLine(_ f: JSONValue) -> String {
    var line = "fired \(f["rule"]?.stringValue ?? "?") at \(f["time"]?.stringValue ?? "?")"
    guard case .array(let invocations)? = f["invocations"] else { return line }
    var parts = invocations.map { i in
        let attempt = i["attempt"]?.intValue.map { " (attempt \($0))" } ?? ""
        return "\(i["function"]?.stringValue ?? "?") \(i["result"]?.stringValue ?? "?")\(attempt)"
    }
    if parts.isEmpty { parts = ["nothing invoked"] }
    line += ": " + parts.joined(separator: ", ")
    if let retries = f["retries"]?.intValue, retries > 0 { line += "; \(retries) retr\(retries == 1 ? "y" : "ies") scheduled" }
    let emails = f["emails"]?.intValue ?? 0
    line += "; \(emails) email\(emails == 1 ? "" : "s")"
    return line
}
