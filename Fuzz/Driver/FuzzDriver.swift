import Foundation
import FuzzEntries

// Built two ways. `make fuzz` builds with `-sanitize=fuzzer,address -DFUZZING`: libFuzzer
// calls `LLVMFuzzerTestOneInput` with inputs for the target named by CLOUDCAFE_FUZZ_TARGET.
// Otherwise it replays files (`cloudcafe-fuzz <target> <file>…`) to reproduce a crash.

#if FUZZING
    let fuzzTarget = FuzzEntries.all[ProcessInfo.processInfo.environment["CLOUDCAFE_FUZZ_TARGET"] ?? ""]

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOne(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        guard let fuzzTarget else {
            FileHandle.standardError.write(Data("set CLOUDCAFE_FUZZ_TARGET to one of: \(FuzzEntries.all.keys.sorted().joined(separator: ", "))\n".utf8))
            exit(2)
        }
        fuzzTarget(Data(bytes: bytes, count: size))
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    func runDriver(
        _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
    ) -> CInt

    // SwiftPM links an executable's entry point under this name; libFuzzer's driver takes over from it.
    @_cdecl("cloudcafe_fuzz_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var count = argc
        var vector = argv
        return runDriver(&count, &vector) { bytes, size in fuzzOne(bytes, size) }
    }
#else
    @main
    struct Replay {
        static func main() throws {
            let args = CommandLine.arguments.dropFirst()
            guard let name = args.first, let target = FuzzEntries.all[name] else {
                print("usage: cloudcafe-fuzz <target> <file>…  (targets: \(FuzzEntries.all.keys.sorted().joined(separator: ", ")))")
                exit(2)
            }
            for path in args.dropFirst() {
                target(try Data(contentsOf: URL(fileURLWithPath: path)))
                print("ok \(path)")
            }
        }
    }
#endif
