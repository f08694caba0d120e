import CafeReport
import CloudCafeCore
public import Foundation
import GRDB
import IAM
import SNS
import Synchronization

/// A named picture of the whole engine: every service's state, what is due on the clock,
/// the clock, the café's database, which emails were delivered, the timeline and IAM's
/// decisions. Kept in memory; taking and loading one takes milliseconds.
public struct EngineSnapshot: Sendable {
    public let name: String
    /// The virtual instant it was taken at, and the machine's.
    public let time: Date
    public let saved: Date
    let services: [String: any Sendable]
    let agenda: [AgendaItem]
    let rate: Double
    let cafe: DatabaseQueue
    let outbox: Set<String>
    let timeline: Timeline.Saved
    let decisions: [IAMAuthorizer.Record]
}

/// A snapshot's name: 1 to 64 letters, digits, `.`, `_` or `-`.
public struct SnapshotError: Error, CustomStringConvertible {
    public let description: String
}

extension CloudCafeEngine {
    var statefulServices: [any StatefulService] { [iam, logs, ssm, lambda, sns, sqs, events, schedules] }

    static func checkName(_ name: String) throws(SnapshotError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard (1...64).contains(name.count), name.allSatisfy(allowed.contains) else {
            throw SnapshotError(description: "a snapshot's name is 1 to 64 letters, digits, '.', '_' or '-'")
        }
    }

    /// Takes a snapshot named `name`, replacing one of that name.
    @discardableResult
    public func saveSnapshot(_ name: String) async throws -> EngineSnapshot {
        try Self.checkName(name)
        var services: [String: any Sendable] = [:]
        for service in statefulServices { services[service.stateName] = await service.captureState() }
        let snapshot = EngineSnapshot(
            name: name, time: clock.now, saved: MachineClock.wallTime, services: services, agenda: agenda.pending, rate: clock.rate,
            cafe: try cafeDatabase.copy(), outbox: outbox.fileNames(), timeline: dispatcher.timeline.save(), decisions: authorizer.decisions)
        snapshots.withLock { $0[name] = snapshot }
        return snapshot
    }

    /// Loads the snapshot named `name`: the whole state goes back to it at once; emails
    /// delivered since are removed, warm execution environments retired.
    public func loadSnapshot(_ name: String) async throws {
        guard let snapshot = snapshots.withLock({ $0[name] }) else {
            throw SnapshotError(description: "no snapshot named \(name): `cloudcafe state list` shows the ones there are")
        }
        agenda.clear()
        for service in statefulServices {
            if let state = snapshot.services[service.stateName] { await service.restoreState(state) }
        }
        clock.set(snapshot.time)
        agenda.setRate(snapshot.rate)
        for item in snapshot.agenda { agenda.schedule(item) }
        try cafeDatabase.restore(from: snapshot.cafe)
        outbox.keepOnly(snapshot.outbox)
        dispatcher.timeline.restore(snapshot.timeline)
        authorizer.restoreDecisions(snapshot.decisions)
    }

    /// The snapshots there are, by name.
    public var snapshotList: [EngineSnapshot] { snapshots.withLock { $0.values.sorted { $0.name < $1.name } } }
}
