extension String {
    /// As `Substring.pieces`.
    public func pieces(_ separator: Unicode.Scalar, omittingEmpty: Bool = true, maxSplits: Int = .max) -> [Substring] {
        Substring(self).pieces(separator, omittingEmpty: omittingEmpty, maxSplits: maxSplits)
    }
}

// On concrete types: a generic StringProtocol version is not specialized across modules, and
// its protocol-witness calls per byte cost more than the Character walk it replaces.
extension Substring {
    /// `split(separator:)` for an ASCII separator, read as UTF-8: String's own walks Characters,
    /// breaking graphemes at every step, which cost an ARN's parse tens of thousands of
    /// instructions. The same pieces for any text a separator (`:`, `/`, `&`) is not combined in.
    public func pieces(_ separator: Unicode.Scalar, omittingEmpty: Bool = true, maxSplits: Int = .max) -> [Substring] {
        // A separator outside ASCII may combine with what follows: String's own split decides.
        guard separator.isASCII else {
            return split(separator: Character(separator), maxSplits: maxSplits, omittingEmptySubsequences: omittingEmpty)
        }
        let byte = UInt8(separator.value)
        let utf8 = self.utf8
        var result: [Substring] = []
        var start = utf8.startIndex
        var i = start
        while i != utf8.endIndex {
            if utf8[i] == byte, result.count < maxSplits {
                if !(omittingEmpty && start == i) { result.append(self[start..<i]) }
                start = utf8.index(after: i)
            }
            utf8.formIndex(after: &i)
        }
        if !(omittingEmpty && start == utf8.endIndex) { result.append(self[start..<utf8.endIndex]) }
        return result
    }
}
