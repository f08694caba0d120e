import ArgumentParser
import CloudCafeCore
import Foundation

import PlainHTTP

/// Where the daemon is: shared by every verb that talks to it.
struct EndpointOptions: ParsableArguments {
    @Option(help: "The daemon's address.")
    var endpoint = ProcessInfo.processInfo.environment["CLOUDCAFE_ENDPOINT"] ?? "http://127.0.0.1:4566"

    @Option(name: .customLong("admin-token-file"), help: "The admin API token a --strict-auth daemon wrote.")
    var adminTokenFile = Self.defaultTokenFile

    /// `.cloudcafe/admin-token` in the working folder, or `CLOUDCAFE_ADMIN_TOKEN_FILE`.
    // getenv: `ProcessInfo.environment` builds the whole environment's dictionary, a tenth of a
    // millisecond of the daemon's start (serve's defaults read this too).
    static var defaultTokenFile: String { getenv("CLOUDCAFE_ADMIN_TOKEN_FILE").map { String(cString: $0) } ?? ".cloudcafe/admin-token" }

    /// Calls the admin API and returns the body; a non-2xx answer is an error with its text.
    func call(_ method: String, _ path: String, body: Data? = nil) async throws -> Data {
        guard let url = URL(string: endpoint + path) else { throw ValidationError("bad endpoint \(endpoint)") }
        var headers: [(String, String)] = []
        if body != nil { headers.append(("Content-Type", "application/json")) }
        if let token = try? String(contentsOfFile: adminTokenFile, encoding: .utf8) {
            headers.append(("Authorization", "Bearer \(token.trimmingCharacters(in: .whitespacesAndNewlines))"))
        }
        let response: PlainHTTP.Response
        do {
            // A clock move of a simulated year can take a while: the daemon answers when it is done.
            response = try await PlainHTTP.send(method, url, headers: headers, body: body, timeout: .seconds(24 * 3600))
        } catch {
            throw CLIError("cannot reach the daemon at \(endpoint): \(error)")
        }
        let (data, status) = (response.body, response.status)
        guard (200..<300).contains(status) else {
            let json = try? JSONValue(parsing: data)
            let text = [json?["error"]?.stringValue, json?["message"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
            throw CLIError(text.isEmpty ? String(decoding: data, as: UTF8.self) : text)
        }
        return data
    }

    /// Calls the admin API and parses the JSON answer.
    func json(_ method: String, _ path: String, body: JSONValue? = nil) async throws -> JSONValue {
        try JSONValue(parsing: try await call(method, path, body: body?.data))
    }
}

/// A failure to show the user as it is.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}

extension String {
    /// Percent-encodes a path segment.
    var pathSegment: String { addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? self }
}
