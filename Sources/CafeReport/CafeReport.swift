public import CloudCafeCore

/// The café application's in-process functions, keyed by the `Handler` strings the lab uses.
public enum CafeReport {
    /// The handlers for a daemon whose own café database is at `cafeDatabasePath`.
    public static func handlers(cafeDatabasePath: String) -> [String: any LambdaHandler] {
        [
            "salesAnalysisReport.lambda_handler": SalesAnalysisReport(),
            "salesAnalysisReportDataExtractor.lambda_handler": SalesAnalysisReportDataExtractor(localDatabasePath: cafeDatabasePath),
        ]
    }
}
