import Foundation

/// Reads the names in a zip archive's central directory; enough to know what a layer
/// provides (`python/pymysql/…`) without extracting it.
enum ZipListing {
    /// The entry names, or nil when `data` is not a zip archive.
    static func entryNames(_ data: Data) -> [String]? {
        let bytes = [UInt8](data)
        guard bytes.count >= 22 else { return nil }
        // The end-of-central-directory record is within the last 64 KiB + 22 bytes.
        let lowest = max(0, bytes.count - 22 - 65_535)
        var eocd = -1
        var i = bytes.count - 22
        while i >= lowest {
            if u32(bytes, i) == 0x0605_4B50 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { return nil }
        let count = Int(u16(bytes, eocd + 10))
        var offset = Int(u32(bytes, eocd + 16))
        var names: [String] = []
        for _ in 0..<count {
            guard offset + 46 <= bytes.count, u32(bytes, offset) == 0x0201_4B50 else { return nil }
            let nameLength = Int(u16(bytes, offset + 28))
            let extra = Int(u16(bytes, offset + 30))
            let comment = Int(u16(bytes, offset + 32))
            guard offset + 46 + nameLength <= bytes.count else { return nil }
            names.append(String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self))
            offset += 46 + nameLength + extra + comment
        }
        return names
    }

    private static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
