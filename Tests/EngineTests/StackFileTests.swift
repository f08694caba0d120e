import Foundation
import Testing

@testable import Engine

struct StackFileTests {
    func load(_ json: String) throws -> StackFile {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stack-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try StackFile.load(url)
    }

    func failure(_ json: String) -> String? {
        do {
            _ = try load(json)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func readsTheCafeStack() throws {
        let cafe = try StackFile.cafe()
        #expect(cafe.Functions?.map(\.FunctionName).sorted() == ["salesAnalysisReport", "salesAnalysisReportDataExtractor"])
        #expect(cafe.Rules?.first?.Targets.isEmpty == false)
        // Policy documents travel as compact JSON in the file's own order.
        let trust = try #require(cafe.Roles?.first?.AssumeRolePolicyDocument.text)
        #expect(trust.hasPrefix("{\"Version\":\"2012-10-17\",\"Statement\":["))
    }

    @Test func namesTheMemberThatIsWrong() {
        #expect(failure("[]") == "the stack must be an object")
        #expect(failure(#"{"Roles": [{"AssumeRolePolicyDocument": {}}]}"#) == "Roles[0].RoleName is missing")
        #expect(failure(#"{"Roles": [{"RoleName": 7, "AssumeRolePolicyDocument": {}}]}"#) == "Roles[0].RoleName must be a string")
        #expect(failure(#"{"Roles": [{"RoleName": "r", "AssumeRolePolicyDocument": "{}"}]}"#) == "Roles[0].AssumeRolePolicyDocument must be a JSON object")
        #expect(failure(#"{"Functions": [{"FunctionName": "f", "Handler": "h", "Role": "r", "ZipFile": "z", "Timeout": 1.5}]}"#) == "Functions[0].Timeout must be a whole number")
        #expect(failure(#"{"Rules": [{"Name": "n", "ScheduleExpression": "rate(1 minute)"}]}"#) == "Rules[0].Targets is missing")
        #expect(failure(#"{"Topics": [{"Name": "t", "Subscriptions": [{"Protocol": "email", "Endpoint": "a@b.c", "Confirm": "yes"}]}]}"#)
            == "Topics[0].Subscriptions[0].Confirm must be true or false")
        #expect(failure(#"{"Parameters": {"Name": "p"}}"#) == "Parameters must be a list")
    }

    @Test func leavesOutWhatIsAbsentOrNull() throws {
        let stack = try load(#"{"Description": null, "Functions": [{"FunctionName": "f", "Handler": "h", "Role": "r", "ZipFile": "z", "Environment": {"Variables": {"A": "1"}}}]}"#)
        #expect(stack.Description == nil)
        #expect(stack.Roles == nil)
        #expect(stack.Functions?.first?.Environment?["Variables"]?["A"] == "1")
        #expect(stack.Functions?.first?.Timeout == nil)
    }
}
