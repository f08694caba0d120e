public import Foundation

/// Files shipped beside the executable in SwiftPM's resource folders (`<Package>_<Target>.resources`),
/// found without Foundation's `Bundle`: making each module's bundle parsed its path as a URL and
/// probed localization folders, 2.7 M instructions of start-up for four modules. Callers fall
/// back to `Bundle.module` (the folder a build left elsewhere).
public enum ShippedResource {
    /// The folder of the running executable.
    static let folder: String? = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        let path = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }()

    /// `path` inside the target's resource folder next to the executable, if it is there.
    public static func url(target: String, _ path: String, isDirectory: Bool = false) -> URL? {
        guard let folder else { return nil }
        let full = "\(folder)/CloudCafe_\(target).resources/\(path)"
        guard access(full, F_OK) == 0 else { return nil }
        return URL(fileURLWithPath: full, isDirectory: isDirectory)
    }
}
