/// Paging with an opaque token (the index of the next item, as text), shared by every
/// list operation; each service checks its own limits and words its own errors.
public enum Pagination {
    /// The page of at most `size` items starting where `token` says, and the token of the
    /// next page; nil when `token` is not one a previous page gave.
    public static func page<T>(_ items: [T], size: Int, token: String?) -> (items: [T], next: String?)? {
        var start = 0
        if let token {
            guard let n = Int(token), (0...items.count).contains(n) else { return nil }
            start = n
        }
        let end = min(items.count, start + max(size, 1))
        return (Array(items[start..<end]), end < items.count ? String(end) : nil)
    }
}
