import CloudCafeCore
import Engine
import Foundation
import HTTPTypes
import IAM
import Hummingbird
import Logging
import NIOCore

/// The AWS wire protocols on the daemon's one port. The service comes from the SigV4
/// credential scope (or, unsigned, from `X-Amz-Target`, the rest-json route or the query
/// `Version`); each service speaks its model's protocol through one binding per protocol,
/// its input is validated against the model, and every operation goes through the Dispatcher.
struct AWSProtocols {
    let engine: CloudCafeEngine
    let catalog: ServiceCatalog
    let configuration: GatewayConfiguration
    static let logger = Logger(label: "cloudcafe.gateway")

    init(engine: CloudCafeEngine, configuration: GatewayConfiguration = GatewayConfiguration()) {
        self.engine = engine
        self.catalog = ServiceCatalog(engine.declarations)
        self.configuration = configuration
    }

    /// The methods AWS requests come with.
    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .head]

    /// Catch-all routes: the AWS requests `handleUnlessRouted` leaves to the router (paths under
    /// the admin API that name nothing there) still reach the protocols through them.
    func register(on router: Router<GatewayRequestContext>) {
        for method in Self.methods {
            router.on("/", method: method) { request, context in await handle(request, sourceIP: context.remoteIP) }
            router.on("/**", method: method) { request, context in await handle(request, sourceIP: context.remoteIP) }
        }
    }

    /// Answers every AWS request before the router looks at it: every path but the admin API's
    /// and the email links' pages (nil for those). The router's trie resolved each rest-json
    /// path (a `/**` route) component by component, a twentieth of a Lambda Invoke.
    func handleUnlessRouted(_ request: Request, sourceIP: String?) async -> Response? {
        guard Self.methods.contains(request.method), !Self.isRouted(request) else { return nil }
        return await handle(request, sourceIP: sourceIP)
    }

    /// The requests the router's own routes answer.
    static func isRouted(_ request: Request) -> Bool {
        let path = request.uri.path
        if path.utf8.starts(with: "/_cloudcafe".utf8) { return true }
        return request.method == .get && (path == "/SimpleNotificationService-cloudcafe.pem" || path == "/confirmation.html" || path == "/unsubscribe.html")
    }

    func handle(_ request: Request, sourceIP: String?) async -> Response {
        let requestID = engine.dispatcher.ids.uuid()
        var response = await route(request, requestID: requestID, sourceIP: sourceIP)
        response.headers[.requestID] = requestID
        return response
    }

    func route(_ request: Request, requestID: String, sourceIP: String?) async -> Response {
        let signed = SignedRequest(request)
        let target = request.headers.single(.amzTarget)
        let region = signed?.region ?? engine.configuration.region
        // A user's key acts as the user, a session's as the assumed role; any other key as the account root.
        let signer = signed.map { engine.iam.signer(ofAccessKey: $0.accessKey, at: engine.clock.now) }
        let known = signer?.principal
        // A function process's SDK signs with its environment's session key: its calls are its invocation's.
        let cause = signed.flatMap { engine.dispatcher.cause(forAccessKey: $0.accessKey) }
        let caller = Caller(
            principal: known ?? .root(account: engine.configuration.account), region: region, requestID: requestID, sourceIP: sourceIP, causeID: cause)
        let body: Data
        do {
            body = Data(try await request.body.collect(upTo: 16 * 1_048_576).readableBytesView)
        } catch {
            return JSONCodec.error(
                WireError(errorCode: "RequestEntityTooLargeException", message: "Request must be smaller than 16777216 bytes", httpStatus: 413))
        }
        let path = request.uri.path.hasSuffix("/") && request.uri.path.count > 1 ? String(request.uri.path.dropLast()) : request.uri.path
        let service: ServiceCatalog.Service?
        if let signed {
            service = catalog.service(signingName: signed.service)
        } else {
            // An unsigned query call names its version in the form or in the URL (a SubscribeURL).
            service = catalog.unsignedService(target: target, method: request.method, path: path) {
                QueryCodec.parseForm(String(decoding: body, as: UTF8.self))["Version"] ?? request.uri.queryParameters.get("Version").map { String($0) }
            }
        }
        guard let service else {
            let name = signed?.service ?? "unknown"
            return JSONCodec.error(
                WireError(errorCode: "UnrecognizedClientException", message: "CloudCafe does not emulate the service '\(name)'.", httpStatus: 400))
        }
        // Credentials from a session that has ended never act as anyone, strict or not.
        if signer?.expired == true {
            return errorResponse(Self.authError(.tokenExpired, protocol: service.wireProtocol), service: service, requestID: requestID)
        }
        if configuration.strictAuth {
            do {
                try await authenticate(request, body: body)
            } catch let failure as SigV4Verifier.Failure {
                return errorResponse(Self.authError(failure, protocol: service.wireProtocol), service: service, requestID: requestID)
            } catch {
                return errorResponse(CommonError.internalFailure(), service: service, requestID: requestID)
            }
        }
        // A service that left the query protocol for JSON (SQS) still answers a form with an Action.
        if target == nil, let asQuery = service.asQuery, Self.isQueryRequest(request, body: body) {
            return await query(asQuery, request: request, body: body, caller: caller)
        }
        switch service.wireProtocol {
        case .json: return await json(service, target: target, body: body, caller: caller)
        case .query: return await query(service, request: request, body: body, caller: caller)
        case .restJSON: return await restJSON(service, request: request, path: path, body: body, caller: caller)
        }
    }

    // MARK: - One call

    /// Validates `tree` against the operation's input shape, decodes it, and performs the operation.
    func call(_ service: ServiceCatalog.Service, _ operation: OperationModel, tree: JSONValue, caller: Caller) async throws -> JSONValue? {
        let key = OperationKey(service: service.model.name, name: operation.name)
        guard let implementation = engine.dispatcher.operation(key) else { throw WireError.unknownOperation(operation.name) }
        if let shape = operation.input {
            let violations = service.validator.violations(of: tree, shape: shape)
            if !violations.isEmpty {
                throw WireError(errorCode: service.declaration.validationErrorCode, message: ConstraintViolation.message(violations), httpStatus: 400)
            }
        }
        let input = try implementation.decodeInput(tree)
        let output = try await engine.dispatcher.perform(key, input, context: engine.dispatcher.context(for: caller))
        return try implementation.writeOutput(output)
    }

    // MARK: - Protocols

    func json(_ service: ServiceCatalog.Service, target: String?, body: Data, caller: Caller) async -> Response {
        let version = service.model.jsonVersion
        guard let target, let dot = target.utf8.lastIndex(of: UInt8(ascii: ".")) else {
            return JSONCodec.error(WireError(errorCode: "UnknownOperationException", message: "Missing X-Amz-Target.", httpStatus: 400), version: version)
        }
        let name = String(target[target.index(after: dot)...])
        guard let operation = service.model.operation(name) else { return JSONCodec.error(WireError.unknownOperation(name), version: version) }
        let tree: JSONValue
        do {
            tree = body.isEmpty ? .object([]) : try JSONValue(parsing: body)
        } catch {
            return JSONCodec.error(WireError.malformed("Start of structure or map found where not expected."), version: version)
        }
        guard case .object = tree else {
            return JSONCodec.error(WireError.malformed("Start of structure or map found where not expected."), version: version)
        }
        do {
            let output = try await call(service, operation, tree: tree, caller: caller)
            return .body(json: output ?? .object([]), contentType: JSONCodec.contentType(version))
        } catch {
            return JSONCodec.error(Self.awsError(error, validationCode: service.declaration.validationErrorCode), version: version)
        }
    }

    static func isQueryRequest(_ request: Request, body: Data) -> Bool {
        if request.uri.queryParameters.get("Action") != nil { return true }
        return request.headers.single(.contentType)?.hasPrefix("application/x-www-form-urlencoded") == true
            && QueryCodec.parseForm(String(decoding: body, as: UTF8.self))["Action"] != nil
    }

    func query(_ service: ServiceCatalog.Service, request: Request, body: Data, caller: Caller) async -> Response {
        var parameters = QueryCodec.parseForm(String(decoding: body, as: UTF8.self))
        for (k, v) in request.uri.queryParameters { parameters[String(k)] = String(v) }
        let requestID = caller.requestID ?? ""
        guard let action = parameters["Action"] else {
            return QueryCodec.error(WireError(errorCode: "MissingAction", message: "Missing Action", httpStatus: 400), requestID: requestID)
        }
        let model = service.wireModel
        guard let operation = model.operation(action) else {
            return QueryCodec.error(
                WireError(errorCode: "InvalidAction", message: "The action \(action) is not valid for this web service.", httpStatus: 400), requestID: requestID
            )
        }
        do {
            let binding = WireBinding(model: model)
            let tree = operation.input.map { binding.queryTree(parameters, shape: $0) } ?? .object([])
            let output = try await call(service, operation, tree: tree, caller: caller)
            let xml = try XMLResponseEncoder(model: model).response(output, operation: operation, requestID: requestID)
            return .body(xml, contentType: "text/xml")
        } catch {
            let e = Self.awsError(error, validationCode: service.declaration.validationErrorCode)
            // On the query protocol a JSON-era service answers with its former codes.
            let code = e.queryCompatibleCode.map { WireError(errorCode: $0, message: e.message, httpStatus: e.httpStatus) as any AWSServiceError } ?? e
            return QueryCodec.error(code, requestID: requestID)
        }
    }

    func restJSON(_ service: ServiceCatalog.Service, request: Request, path: String, body: Data, caller: Caller) async -> Response {
        guard let (route, bound) = catalog.match(request.method, path, service: service.model.name) else {
            return RestJSONCodec.error(
                WireError(errorCode: "UnknownOperationException", message: "CloudCafe does not implement \(request.method) \(path).", httpStatus: 404))
        }
        let binding = WireBinding(model: service.model)
        do {
            let tree = try route.operation.input.map { try binding.restTree(request, body: body, shape: $0, bound: bound) } ?? .object([])
            let output = try await call(service, route.operation, tree: tree, caller: caller)
            let json = output ?? .object([])
            return binding.restResponse(json, shape: route.operation.output, status: route.operation.responseCode)
        } catch let e as JSONValue.SyntaxError {
            return RestJSONCodec.error(WireError.malformed("Could not parse request body into json: \(e)", code: "InvalidRequestContentException"))
        } catch {
            return RestJSONCodec.error(Self.awsError(error, validationCode: service.declaration.validationErrorCode))
        }
    }

    /// `--strict-auth`: the signature must verify with the secret of a key IAM issued (or the
    /// root pair), and temporary credentials must carry their live session token.
    func authenticate(_ request: Request, body: Data) async throws {
        guard let signature = SigV4Verifier.signature(of: request) else { throw SigV4Verifier.Failure.missing }
        let secret: String
        if signature.accessKey == configuration.rootAccessKey {
            secret = configuration.rootSecretKey
        } else if let issued = await engine.iam.secret(forAccessKey: signature.accessKey) {
            if let token = issued.sessionToken {
                let sent = request.headers[.amzSecurityToken] ?? request.uri.queryParameters.get("X-Amz-Security-Token").map { String($0) }
                guard sent == token else { throw SigV4Verifier.Failure.unknownKey }
                if let expiry = issued.expiration, expiry <= engine.clock.now { throw SigV4Verifier.Failure.tokenExpired }
            }
            secret = issued.secret
        } else {
            throw SigV4Verifier.Failure.unknownKey
        }
        // Functions' own code signs on the virtual clock it sees; everyone else on the machine's.
        try SigV4Verifier.verify(request, body: body, signature: signature, secret: secret, now: [MachineClock.wallTime, engine.clock.now])
    }

    /// The error each protocol answers for a refused signature.
    static func authError(_ failure: SigV4Verifier.Failure, protocol wire: ServiceModel.WireProtocol) -> WireError {
        let query = wire == .query
        let status = wire == .json ? 400 : 403
        switch failure {
        case .missing:
            return WireError(
                errorCode: query ? "MissingAuthenticationToken" : "MissingAuthenticationTokenException", message: "Missing Authentication Token",
                httpStatus: status)
        case .unknownKey:
            return WireError(
                errorCode: query ? "InvalidClientTokenId" : "UnrecognizedClientException", message: "The security token included in the request is invalid.",
                httpStatus: status)
        case .tokenExpired:
            return WireError(
                errorCode: query ? "ExpiredToken" : "ExpiredTokenException", message: "The security token included in the request is expired",
                httpStatus: status)
        case .mismatch:
            return WireError(
                errorCode: query ? "SignatureDoesNotMatch" : "InvalidSignatureException",
                message:
                    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                httpStatus: status)
        case .expired(let amzDate):
            return WireError(
                errorCode: query ? "SignatureDoesNotMatch" : "InvalidSignatureException",
                message: "Signature expired: \(amzDate) is now earlier than the allowed 15 minutes of clock skew.", httpStatus: status)
        }
    }

    /// An error in the shape of `service`'s protocol.
    func errorResponse(_ error: any AWSServiceError, service: ServiceCatalog.Service, requestID: String) -> Response {
        switch service.wireProtocol {
        case .query: QueryCodec.error(error, requestID: requestID)
        case .restJSON: RestJSONCodec.error(error)
        case .json: JSONCodec.error(error, version: service.model.jsonVersion)
        }
    }

    /// Any failure as the AWS error a client sees; unknown failures are InternalFailure, logged.
    static func awsError(_ error: any Error, validationCode: String) -> any AWSServiceError {
        if let e = error as? any AWSServiceError { return e }
        if let (member, missing) = describeDecodingFailure(error) {
            return missing
                ? WireError.missing(member, code: validationCode)
                : WireError(
                    errorCode: validationCode,
                    message: ConstraintViolation.message([.init(path: WireError.lowerFirst(member), value: nil, constraint: "Member must have the type of its shape")]),
                    httpStatus: 400)
        }
        Self.logger.error("internal failure", metadata: ["error": "\(error)"])
        return CommonError.internalFailure()
    }
}
