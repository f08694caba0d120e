/// The report email's text, byte for byte as the lab's Python function builds it (docs/cafe-report.md).
public enum ReportFormatter {
    /// The whole message for the rows of `date`.
    public static func message(date: String, rows: [SalesRow]) -> String {
        var message = center("Sales Analysis Report", 80) + "\n"
        message += center("Date: \(date)", 80) + "\n"
        guard !rows.isEmpty else {
            return message + "\n" + center("There were no orders today.", 80)
        }
        var previousGroup: Int?
        for row in rows {
            if row.productGroupNumber != previousGroup {
                message += "\nProduct Group: \(row.productGroupName)\n\n"
                message += center("Item Name", 40) + "\t\t\t" + "Quantity" + "\n"
                message += center("*********", 40) + "\t\t\t" + "********" + "\n"
                previousGroup = row.productGroupNumber
            }
            message += center(row.productName, 40) + tabs(for: row.productName) + center(String(row.quantity), 5) + "\n"
        }
        return message
    }

    /// The tabs between a name and its quantity: fewer for longer names, so columns line up.
    static func tabs(for name: String) -> String {
        switch name.unicodeScalars.count {
        case ..<20: "\t\t\t"
        case 20...37: "\t\t"
        default: "\t"
        }
    }

    /// Python's `str.center(width)`: the odd spare space goes left only when both the
    /// margin and the width are odd.
    public static func center(_ text: String, _ width: Int) -> String {
        let margin = width - text.unicodeScalars.count
        guard margin > 0 else { return text }
        let left = margin / 2 + (margin & width & 1)
        return String(repeating: " ", count: left) + text + String(repeating: " ", count: margin - left)
    }
}
