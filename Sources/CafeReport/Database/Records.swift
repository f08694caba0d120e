import Foundation
public import GRDB

/// A product group (`product_group`).
public struct ProductGroup: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "product_group"
    public var number: Int64
    public var name: String
    enum CodingKeys: String, CodingKey { case number = "product_group_number", name = "product_group_name" }
}

/// A product on the menu (`product`).
public struct Product: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "product"
    public var id: Int64
    public var name: String
    private var priceText: String
    public var group: Int64
    /// The price, exact.
    public var price: Money { Money(priceText) ?? .zero }
    enum CodingKeys: String, CodingKey { case id, name = "product_name", priceText = "price", group = "product_group" }
}

/// An order (`order`): its time is café local time.
struct OrderRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "order"
    var orderNumber: Int64?
    var orderDateTime: String
    var amountText: String
    enum CodingKeys: String, CodingKey { case orderNumber = "order_number", orderDateTime = "order_date_time", amountText = "amount" }
    mutating func didInsert(_ inserted: InsertionSuccess) { orderNumber = inserted.rowID }
}

/// One line of an order (`order_item`).
struct OrderItem: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "order_item"
    var orderNumber: Int64
    var orderItemNumber: Int
    var productID: Int64
    var quantity: Int
    var amountText: String
    enum CodingKeys: String, CodingKey {
        case orderNumber = "order_number", orderItemNumber = "order_item_number", productID = "product_id", quantity
        case amountText = "amount"
    }
}

/// One row of the sales report.
public struct SalesRow: Sendable, Equatable, Codable, FetchableRecord {
    public var productGroupNumber: Int
    public var productGroupName: String
    public var productID: Int
    public var productName: String
    public var quantity: Int

    enum CodingKeys: String, CodingKey {
        case productGroupNumber = "product_group_number", productGroupName = "product_group_name", productID = "product_id"
        case productName = "product_name", quantity
    }

    public init(productGroupNumber: Int, productGroupName: String, productID: Int, productName: String, quantity: Int) {
        self.productGroupNumber = productGroupNumber
        self.productGroupName = productGroupName
        self.productID = productID
        self.productName = productName
        self.quantity = quantity
    }

    /// A row of the report query, by position (its columns in CodingKeys order): decoding by
    /// name through Codable looked each column up by its name, in every row, on every report.
    public init(row: Row) throws {
        productGroupNumber = try row.decode(atIndex: 0)
        productGroupName = try row.decode(atIndex: 1)
        productID = try row.decode(atIndex: 2)
        productName = try row.decode(atIndex: 3)
        quantity = try row.decode(atIndex: 4)
    }
}
