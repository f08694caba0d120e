public import Foundation

/// Where the runtimes functions' code needs live: a per-user cache shared by every daemon
/// (`~/.cache/cloudcafe/runtimes`, or `CLOUDCAFE_RUNTIMES_DIR`). It holds, per Python
/// version, AWS's runtime interface client (`awslambdaric`) with boto3, and the clock shim
/// preloaded into every function's process. `cloudcafe runtimes install` fills it, under a
/// file lock, never inside a function's timeout.
public struct RuntimeInstallation: Sendable {
    public let root: URL

    public init(root: URL? = nil) {
        self.root = root ?? Self.defaultRoot
    }

    public static var defaultRoot: URL {
        // getenv: ProcessInfo's environment is the whole environment made into a dictionary.
        func variable(_ name: String) -> String? { getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } }
        if let dir = variable("CLOUDCAFE_RUNTIMES_DIR") { return URL(fileURLWithPath: dir) }
        let cache = variable("XDG_CACHE_HOME").map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: NSHomeDirectory()).appendingPathComponent(".cache")
        return cache.appendingPathComponent("cloudcafe/runtimes")
    }

    /// The packages a Python environment gets, as AWS's Python runtimes carry them.
    public static let pythonPackages = ["awslambdaric", "boto3"]

    /// The folder of a Python version's runtime (`python3.11`), complete or not.
    public func pythonDirectory(_ version: String) -> URL { root.appendingPathComponent(version) }

    /// Whether `version`'s runtime is installed completely.
    public func hasPython(_ version: String) -> Bool {
        FileManager.default.fileExists(atPath: pythonDirectory(version).appendingPathComponent(".complete").path)
    }

    /// The compiled clock shim, when installed.
    public var clockShim: URL? {
        let url = root.appendingPathComponent("clock/libcloudcafe-clock.so")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Installs what is missing: the clock shim, and the Python runtime for `python3` (and for
    /// each interpreter named in `pythons`). Returns what it did, line by line.
    public func install(pythons: [String] = [], log: (String) -> Void) throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let lock = try FileLock(root.appendingPathComponent(".lock"))
        defer { lock.release() }
        try installClockShim(log: log)
        var interpreters = ["python3"] + pythons
        interpreters = interpreters.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        for name in interpreters {
            guard let python = Self.executable(named: name) else {
                if name == "python3" { throw InstallError("python3 is not on PATH: Python functions need it (apt-get install python3 python3-venv)") }
                log("\(name) is not on this machine: skipped")
                continue
            }
            let version: String
            do {
                version = try Self.pythonVersion(python)
            } catch {
                // A pyenv shim for a version that is not installed names itself but does not run.
                if name == "python3" { throw error }
                log("\(name) does not run on this machine: skipped")
                continue
            }
            if hasPython(version) {
                log("\(version): installed (\(pythonDirectory(version).path))")
                continue
            }
            log("\(version): installing \(Self.pythonPackages.joined(separator: ", ")) into \(pythonDirectory(version).path)")
            let dir = pythonDirectory(version)
            try? FileManager.default.removeItem(at: dir)
            try Self.run(
                python,
                ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-warn-script-location", "--target", dir.path]
                    + Self.pythonPackages)
            try Data().write(to: dir.appendingPathComponent(".complete"))
        }
    }

    private func installClockShim(log: (String) -> Void) throws {
        let dir = root.appendingPathComponent("clock")
        let target = dir.appendingPathComponent("libcloudcafe-clock.so")
        guard let source = Bundle.module.url(forResource: "clockshim", withExtension: "c") else {
            throw InstallError("the clock shim's source is missing from this build")
        }
        let text = try Data(contentsOf: source)
        let stamp = dir.appendingPathComponent("source.c")
        if FileManager.default.fileExists(atPath: target.path), (try? Data(contentsOf: stamp)) == text {
            log("clock shim: installed (\(target.path))")
            return
        }
        guard let cc = Self.executable(named: "cc") ?? Self.executable(named: "gcc") ?? Self.executable(named: "clang") else {
            throw InstallError("no C compiler (cc) on PATH: the clock shim needs one (apt-get install gcc)")
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let scratch = dir.appendingPathComponent("libcloudcafe-clock.so.\(getpid())")
        try Self.run(cc, ["-shared", "-fPIC", "-O2", "-o", scratch.path, source.path])
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.moveItem(at: scratch, to: target)
        try text.write(to: stamp)
        log("clock shim: compiled (\(target.path))")
    }

    /// `python3.11` for the interpreter at `python`.
    static func pythonVersion(_ python: String) throws -> String {
        let out = try run(python, ["-c", "import sys; print('python%d.%d' % sys.version_info[:2])"]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard out.hasPrefix("python3.") else { throw InstallError("\(python) is not Python 3") }
        return out
    }

    /// The full path of `name` on PATH.
    public static func executable(named name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw InstallError("\(executable) \(arguments.joined(separator: " ")) failed:\n\(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }
}

public struct InstallError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// An exclusive `flock` on a file, so two installs (two `make` runs) never interleave.
struct FileLock {
    let fd: Int32

    init(_ url: URL) throws {
        fd = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw InstallError("cannot open \(url.path): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw InstallError("cannot lock \(url.path): \(String(cString: strerror(errno)))") }
        }
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
