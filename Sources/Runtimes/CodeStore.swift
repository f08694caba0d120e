import Foundation
import ZIPFoundation

/// Unpacks functions' code and layers onto disk, once each: a task root per CodeSha256 and an
/// `/opt` per list of layers, as Lambda extracts them into `/var/task` and `/opt`.
actor CodeStore {
    let root: URL
    private var unpacked: [String: URL] = [:]

    init(root: URL) {
        self.root = root
    }

    /// The task root holding `zip` (named by its SHA-256).
    func taskRoot(_ zip: Data, sha256: String) throws -> URL {
        let name = "task-" + Self.safeName(sha256)
        if let url = unpacked[name] { return url }
        let url = root.appendingPathComponent(name)
        try Self.replace(url) { try Self.extract(zip, into: $0) }
        unpacked[name] = url
        return url
    }

    /// An `/opt` with the layers extracted in order: a later layer's file replaces an earlier one's.
    func opt(_ layers: [(sha256: String, content: Data)]) throws -> URL {
        let name = "opt-" + Self.safeName(layers.map(\.sha256).joined(separator: "+"))
        if let url = unpacked[name] { return url }
        let url = root.appendingPathComponent(name)
        try Self.replace(url) { dir in
            for layer in layers { try Self.extract(layer.content, into: dir) }
        }
        unpacked[name] = url
        return url
    }

    /// Builds into a scratch folder and moves it into place, so a half-extracted tree is never used.
    private static func replace(_ url: URL, build: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let scratch = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString)")
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        do {
            try build(scratch)
            try? fm.removeItem(at: url)
            try fm.moveItem(at: scratch, to: url)
        } catch {
            try? fm.removeItem(at: scratch)
            throw error
        }
    }

    /// Extracts every entry, keeping mode bits; entries that would land outside `dir` are refused.
    static func extract(_ zip: Data, into dir: URL) throws {
        guard !zip.isEmpty else { return }
        let archive = try Archive(data: zip, accessMode: .read, pathEncoding: nil)
        let base = dir.standardizedFileURL.path
        for entry in archive {
            let path = entry.path
            let parts = path.split(separator: "/")
            guard !path.hasPrefix("/"), !parts.contains(".."), !parts.isEmpty else { throw CodeStoreError.unsafeEntry(path) }
            let target = dir.appendingPathComponent(path)
            guard target.standardizedFileURL.path.hasPrefix(base) else { throw CodeStoreError.unsafeEntry(path) }
            if entry.type != .directory, FileManager.default.fileExists(atPath: target.path) {
                try FileManager.default.removeItem(at: target)
            }
            if entry.type == .directory, FileManager.default.fileExists(atPath: target.path) { continue }
            _ = try archive.extract(entry, to: target, skipCRC32: true)
        }
    }

    private static func safeName(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber ? $0 : "_" }.prefix(200))
    }
}

enum CodeStoreError: Error, CustomStringConvertible {
    case unsafeEntry(String)

    var description: String {
        switch self {
        case .unsafeEntry(let path): "the package's entry \(path) would be written outside its folder"
        }
    }
}
