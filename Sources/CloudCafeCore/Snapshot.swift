public import Foundation

/// A service whose whole state can be taken and put back: snapshots for test suites. Its
/// state is values (structs, dictionaries), so taking one copies nothing until something
/// changes, and putting one back is an assignment. The same state encodes to JSON, so it
/// can outlive the process.
public protocol StatefulService: Sendable {
    /// The service's name in a snapshot (`lambda`, `sns`, …).
    nonisolated var stateName: String { get }
    func captureState() async -> any Sendable
    /// Puts back what `captureState` took; anything else is ignored.
    func restoreState(_ state: any Sendable) async
    /// The state `captureState` took, as JSON.
    nonisolated func encodeState(_ state: any Sendable) throws -> Data
    /// A state `encodeState` wrote, ready for `restoreState`.
    nonisolated func decodeState(_ data: Data) throws -> any Sendable
}

/// A state that is not the service's, or JSON that is not one.
public struct StateCodingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension StatefulService {
    /// A service whose state does not encode yet says so.
    public nonisolated func encodeState(_ state: any Sendable) throws -> Data { throw StateCodingError("\(stateName): its state does not encode yet") }
    public nonisolated func decodeState(_ data: Data) throws -> any Sendable { throw StateCodingError("\(stateName): its state does not decode yet") }

    /// Encodes `state` when it is a `T`.
    public nonisolated func encode<T: Encodable>(_ state: any Sendable, as type: T.Type) throws -> Data {
        guard let value = state as? T else { throw StateCodingError("\(stateName): not a \(T.self)") }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return try encoder.encode(value)
    }

    public nonisolated func decode<T: Decodable & Sendable>(_ data: Data, as type: T.Type) throws -> any Sendable {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(T.self, from: data)
    }
}

/// What a FIFO topic or queue answered for a deduplication id in the last five minutes.
public struct DeduplicationRecord: Sendable, Codable {
    public let messageID: String
    public let sequence: String
    public let at: Date

    public init(messageID: String, sequence: String, at: Date) {
        self.messageID = messageID
        self.sequence = sequence
        self.at = at
    }
}
