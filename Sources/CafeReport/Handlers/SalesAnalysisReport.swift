public import CloudCafeCore
import Foundation
import LambdaAPI
import SNSAPI
import SSMAPI

/// `salesAnalysisReport.lambda_handler`: gathers the day's sales through the extractor
/// and emails the formatted report through SNS (docs/cafe-report.md).
public struct SalesAnalysisReport: LambdaHandler {
    /// The café's time zone when SSM has no `/cafe/timeZone`.
    static let defaultTimeZone = "America/New_York"

    public init() {}

    public func handle(_ event: JSONValue, context: LambdaContext) async throws -> JSONValue {
        guard let topicArnText = context.environment["topicARN"] else {
            throw HandlerFailure(type: "KeyError", message: "'topicARN'")
        }
        guard let topicArn = ARN(topicArnText) else {
            throw HandlerFailure(type: "IndexError", message: "list index out of range")
        }
        let client = context.client.in(region: topicArn.region)

        var db: [(String, JSONValue)] = []
        for (key, name) in [("dbUrl", "/cafe/dbUrl"), ("dbName", "/cafe/dbName"), ("dbUser", "/cafe/dbUser"), ("dbPassword", "/cafe/dbPassword")] {
            let parameter = try await client.send(SSMOperations.getParameter, GetParameterRequest(name: name, withDecryption: false))
            db.append((key, .string(parameter.parameter?.value ?? "")))
        }
        // CloudCafe reports the report day's sales (docs/cafe-report.md): the café-local day of the scheduled
        // event's time, or of now when invoked directly. The extractor is told which day.
        let day = try await reportDay(event, client: client, clock: context.clock)
        db.append(("reportDate", .string(day.description)))

        let response = try await client.send(
            LambdaOperations.invoke,
            InvocationRequest(functionName: "salesAnalysisReportDataExtractor", invocationType: "RequestResponse", payload: JSONValue.object(db).data))
        let data = try JSONValue(parsing: response.payload ?? Data())
        guard let body = data["body"] else {
            context.logger.log(data.pythonRepr)
            throw HandlerFailure(message: "No body in returned data. Check the error in the cloudwatch logs.")
        }
        let rows = try Self.rows(body)
        let message = ReportFormatter.message(date: day.description, rows: rows)
        _ = try await client.send(SNSOperations.publish, PublishInput(topicArn: topicArnText, message: message, subject: "Daily Sales Analysis Report"))
        return .object([("statusCode", .int(200)), ("body", .string("\"Sale Analysis Report sent.\""))])
    }

    /// The café-local day the report covers.
    func reportDay(_ event: JSONValue, client: AWSClient, clock: VirtualClock) async throws -> LocalDay {
        let zoneName =
            (try? await client.send(SSMOperations.getParameter, GetParameterRequest(name: "/cafe/timeZone")))?.parameter?.value ?? Self.defaultTimeZone
        guard let zone = TimeZone(identifier: zoneName) else {
            throw HandlerFailure(type: "ZoneInfoNotFoundError", message: "'No time zone found with key \(zoneName)'")
        }
        let formatter = ISO8601DateFormatter()
        let instant = event["time"]?.stringValue.flatMap(formatter.date(from:)) ?? clock.now
        return LocalDay(instant, in: zone)
    }

    static func rows(_ body: JSONValue) throws -> [SalesRow] {
        guard case .array(let items) = body else { throw HandlerFailure(type: "TypeError", message: "'body' is not a list") }
        return try items.map { item in
            guard let group = item["product_group_number"]?.intValue, let groupName = item["product_group_name"]?.stringValue,
                let id = item["product_id"]?.intValue, let name = item["product_name"]?.stringValue, let quantity = item["quantity"]?.intValue
            else { throw HandlerFailure(type: "KeyError", message: "'product_group_number'") }
            return SalesRow(productGroupNumber: group, productGroupName: groupName, productID: id, productName: name, quantity: quantity)
        }
    }
}
