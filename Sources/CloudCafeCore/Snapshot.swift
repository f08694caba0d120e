/// A service whose whole state can be taken and put back: snapshots for test suites. Its
/// state is values (structs, dictionaries), so taking one copies nothing until something
/// changes, and putting one back is an assignment.
public protocol StatefulService: Sendable {
    /// The service's name in a snapshot (`lambda`, `sns`, …).
    nonisolated var stateName: String { get }
    func captureState() async -> any Sendable
    /// Puts back what `captureState` took; anything else is ignored.
    func restoreState(_ state: any Sendable) async
}
