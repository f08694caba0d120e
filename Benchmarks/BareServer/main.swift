// make bench: a bare Hummingbird 2 server answering every POST with a small JSON body — the
// floor CloudCafe's request path is compared against (Benchmarks/compare.py).
import Foundation
import Hummingbird

let port = Int(CommandLine.arguments.dropFirst().first ?? "0") ?? 0
let router = Router()
let answer: @Sendable (Request, BasicRequestContext) -> Response = { _, _ in
    Response(status: .ok, headers: [.contentType: "application/x-amz-json-1.1"], body: .init(byteBuffer: ByteBuffer(string: #"{"Parameter":{"Name":"/bench/p","Value":"v"}}"#)))
}
// "/**" needs at least one path component: the JSON protocols post to "/".
router.post("/", use: answer)
router.post("/**", use: answer)
let app = Application(
    router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
    // Unbuffered, so the bench reading the pipe sees the port at once.
    onServerRunning: { channel in FileHandle.standardOutput.write(Data("listening on \(channel.localAddress?.port ?? 0)\n".utf8)) })
try await app.runService()
