import CloudCafeCore
import Foundation
import SSM
import SSMAPI
import Testing

/// Parameter Store in process, through the Dispatcher like any client.
struct SSMTests {
    let dispatcher = Dispatcher(clock: VirtualClock(start: TimeText.instant("2026-11-27T19:59:00Z"), rate: 0))
    let client: AWSClient

    init() throws {
        try dispatcher.install(SSM().declarations)
        client = dispatcher.client(as: .root(account: "000000000000"), region: "us-east-1")
    }

    func put(_ name: String, _ value: String, type: String? = "String", overwrite: Bool? = nil) async throws -> Int? {
        try await client.send(SSMOperations.putParameter, PutParameterRequest(name: name, value: value, type: type, overwrite: overwrite)).version
    }

    func failure(_ work: () async throws -> Void) async -> AWSClientError? {
        do {
            try await work()
            return nil
        } catch {
            return error as? AWSClientError
        }
    }

    @Test func overwritingMakesANewVersionAndHistoryKeepsThemAll() async throws {
        #expect(try await put("/cafe/dbUrl", "localhost") == 1)
        let refused = await failure { _ = try await put("/cafe/dbUrl", "elsewhere") }
        #expect(refused?.error.errorCode == "ParameterAlreadyExists")
        #expect(try await put("/cafe/dbUrl", "db.internal", type: nil, overwrite: true) == 2)
        let got = try await client.send(SSMOperations.getParameter, GetParameterRequest(name: "/cafe/dbUrl")).parameter
        #expect(got?.value == "db.internal")
        #expect(got?.version == 2)
        #expect(got?.arn == "arn:aws:ssm:us-east-1:000000000000:parameter/cafe/dbUrl")
        let history = try await client.send(SSMOperations.getParameterHistory, GetParameterHistoryRequest(name: "/cafe/dbUrl")).parameters ?? []
        #expect(history.map(\.value) == ["localhost", "db.internal"])
    }

    @Test func secureStringsNeedDecryption() async throws {
        _ = try await put("/cafe/dbPassword", "s3cret", type: "SecureString")
        let hidden = try await client.send(SSMOperations.getParameter, GetParameterRequest(name: "/cafe/dbPassword")).parameter?.value
        #expect(hidden != nil && hidden != "s3cret")
        let shown = try await client.send(SSMOperations.getParameter, GetParameterRequest(name: "/cafe/dbPassword", withDecryption: true)).parameter
        #expect(shown?.value == "s3cret")
    }

    @Test func byPathListsOneLevelUnlessRecursive() async throws {
        for name in ["/cafe/a", "/cafe/b", "/cafe/deep/c", "/other/d"] { _ = try await put(name, "v") }
        let shallow = try await client.send(SSMOperations.getParametersByPath, GetParametersByPathRequest(path: "/cafe")).parameters ?? []
        #expect(shallow.compactMap(\.name).sorted() == ["/cafe/a", "/cafe/b"])
        let deep = try await client.send(SSMOperations.getParametersByPath, GetParametersByPathRequest(path: "/cafe", recursive: true)).parameters ?? []
        #expect(deep.compactMap(\.name).sorted() == ["/cafe/a", "/cafe/b", "/cafe/deep/c"])
    }

    @Test func aMissingParameterAndABadValueAreAWSsErrors() async throws {
        let missing = await failure { _ = try await client.send(SSMOperations.getParameter, GetParameterRequest(name: "/nope")) }
        #expect(missing?.error.errorCode == "ParameterNotFound")
        let empty = await failure { _ = try await put("/cafe/x", "") }
        #expect(empty?.error.errorCode == "ValidationException")
        #expect(empty?.error.message == "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length between 1 and 4096")
    }
}
