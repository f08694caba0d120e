import CloudCafeCore
import Foundation
import Synchronization
import Testing

/// What handlers saw: each item's id and the clock when it ran.
final class Journal: Sendable {
    private let entries = Mutex<[(String, Date)]>([])
    func note(_ id: String, _ at: Date) { entries.withLock { $0.append((id, at)) } }
    var ids: [String] { entries.withLock { $0.map(\.0) } }
    var times: [Date] { entries.withLock { $0.map(\.1) } }
}

struct AgendaTests {
    let start = TimeText.instant("2026-11-27T19:59:00Z")!
    let clock: VirtualClock
    let agenda: Agenda
    let journal = Journal()

    init() {
        clock = VirtualClock(start: start, rate: 0)
        agenda = Agenda(clock: clock, work: WorkTracker())
        let (clock, journal) = (clock, journal)
        agenda.register([
            AgendaKind("rule", priority: 0) { item in
                journal.note(item.id, clock.now)
                return Firing(rule: (try? item.payload(as: String.self)) ?? "?", time: item.due)
            },
            AgendaKind("retry", priority: 2) { item in
                journal.note(item.id, clock.now)
                return nil
            },
        ])
    }

    func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    @Test func aMoveRunsEachDueItemAtItsInstantInOrder() async {
        agenda.schedule(AgendaItem(id: "retry|b", kind: "retry", due: at(60), payload: "b"))
        agenda.schedule(AgendaItem(id: "rule|z", kind: "rule", due: at(60), payload: "z"))
        agenda.schedule(AgendaItem(id: "rule|a", kind: "rule", due: at(60), payload: "a"))
        agenda.schedule(AgendaItem(id: "rule|early", kind: "rule", due: at(30), payload: "early"))
        agenda.schedule(AgendaItem(id: "rule|late", kind: "rule", due: at(600), payload: "late"))
        let fired = await agenda.advance(by: 120)
        // Time first; at one instant rules (by id) before retries; nothing beyond the target.
        #expect(journal.ids == ["rule|early", "rule|a", "rule|z", "retry|b"])
        #expect(journal.times == [at(30), at(60), at(60), at(60)])
        #expect(fired.map(\.rule) == ["early", "a", "z"])
        #expect(clock.now == at(120))
        #expect(agenda.nextDue == at(600))
    }

    @Test func schedulingAnIdAgainReplacesItAndCancelRemovesIt() async {
        agenda.schedule(AgendaItem(id: "rule|r", kind: "rule", due: at(30), payload: "first"))
        agenda.schedule(AgendaItem(id: "rule|r", kind: "rule", due: at(90), payload: "second"))
        agenda.schedule(AgendaItem(id: "retry|x", kind: "retry", due: at(10), payload: "x"))
        agenda.cancel("retry|x")
        #expect(agenda.pending.map(\.id) == ["rule|r"])
        let fired = await agenda.advance(by: 120)
        #expect(fired == [Firing(rule: "second", time: at(90))])
        #expect(agenda.pending.isEmpty)
    }

    @Test func movingBackRunsNothing() async {
        agenda.schedule(AgendaItem(id: "rule|r", kind: "rule", due: at(30), payload: "r"))
        let fired = await agenda.move(to: at(-3600))
        #expect(fired.isEmpty)
        #expect(clock.now == at(-3600))
        #expect(agenda.nextDue == at(30))
    }

    @Test func itemsAreValuesThatRoundTrip() throws {
        struct Retry: Codable, Equatable {
            let function: String
            let attempt: Int
        }
        let item = AgendaItem(id: "retry|f|1", kind: "retry", due: at(60), payload: Retry(function: "f", attempt: 1), cause: "firing-1")
        let stored = try JSONDecoder().decode(AgendaItem.self, from: JSONEncoder().encode(item))
        #expect(stored == item)
        #expect(try stored.payload(as: Retry.self) == Retry(function: "f", attempt: 1))
    }

    @Test func aRunningClockRunsWhatFallsDueWithoutBeingMoved() async throws {
        let loop = Task { await agenda.run() }
        defer { loop.cancel() }
        // Scheduled far ahead first, then sooner: the sleeping loop must notice the sooner item.
        agenda.schedule(AgendaItem(id: "rule|later", kind: "rule", due: at(86_400), payload: "later"))
        agenda.schedule(AgendaItem(id: "rule|soon", kind: "rule", due: at(60), payload: "soon"))
        // Frozen, nothing runs; at 600× real time, 60 virtual seconds pass in 0.1 s.
        agenda.setRate(600)
        for _ in 0..<100 where journal.ids.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        #expect(journal.ids == ["rule|soon"])
        #expect(journal.times.first.map { $0 >= at(60) } == true)
        #expect(agenda.nextDue == at(86_400))
    }
}
