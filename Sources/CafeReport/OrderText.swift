import Foundation

/// Orders as people write them (`"Croissant=1" "Hot Chocolate=2"`), checked against the menu:
/// the CLI and the admin API take the same words.
public enum OrderText {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// The lines of `texts`, each `NAME=QUANTITY` with a name on `menu` (any case) and 1-15.
    public static func lines(_ texts: [String], menu: [Product]) throws(Invalid) -> [CafeDatabase.Line] {
        guard !texts.isEmpty else { throw Invalid(description: "give at least one NAME=QUANTITY") }
        return try texts.map { (text: String) throws(Invalid) -> CafeDatabase.Line in
            guard let eq = text.lastIndex(of: "=") else { throw Invalid(description: "'\(text)' is not NAME=QUANTITY") }
            let name = text[..<eq].trimmingCharacters(in: .whitespaces)
            guard let product = menu.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
                throw Invalid(description: "no product named '\(name)'; the menu: \(menu.map(\.name).joined(separator: ", "))")
            }
            guard let q = Int(text[text.index(after: eq)...]), (1...15).contains(q) else {
                throw Invalid(description: "quantity in '\(text)' must be 1-15")
            }
            return CafeDatabase.Line(productID: product.id, quantity: q)
        }
    }

    /// A café-local time (`2026-11-27T14:05:00`).
    public static func time(_ text: String) throws(Invalid) -> LocalDateTime {
        guard let time = LocalDateTime(text) else { throw Invalid(description: "the time must look like 2026-11-27T14:05:00 (café local time)") }
        return time
    }
}
