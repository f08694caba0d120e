import CloudCafeCore
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import IAM
import Logging
import NIOCore

/// The AWS wire protocols on the daemon's one port. The service comes from the SigV4
/// credential scope (or, unsigned, from `X-Amz-Target` or the path); each service speaks
/// its protocol with one generic codec, and every operation goes through the Dispatcher.
struct AWSProtocols {
    let engine: CloudCafeEngine
    let catalog: ServiceCatalog
    let configuration: GatewayConfiguration
    static let logger = Logger(label: "cloudcafe.gateway")

    init(engine: CloudCafeEngine, configuration: GatewayConfiguration = GatewayConfiguration()) {
        self.engine = engine
        self.catalog = ServiceCatalog()
        self.configuration = configuration
    }

    func register(on router: Router<GatewayRequestContext>) {
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch, .head] {
            router.on("/", method: method) { request, context in await handle(request, sourceIP: context.remoteIP) }
            router.on("/**", method: method) { request, context in await handle(request, sourceIP: context.remoteIP) }
        }
    }

    func handle(_ request: Request, sourceIP: String?) async -> Response {
        let requestID = engine.dispatcher.ids.uuid()
        var response = await route(request, requestID: requestID, sourceIP: sourceIP)
        response.headers[.requestID] = requestID
        return response
    }

    func route(_ request: Request, requestID: String, sourceIP: String?) async -> Response {
        let signed = SignedRequest(request)
        let target = request.headers[.amzTarget]
        let region = signed?.region ?? engine.configuration.region
        // A user's key acts as the user, a session's as the assumed role; any other key as the account root.
        let known = await signed.asyncMap { await engine.iam.principal(forAccessKey: $0.accessKey, at: engine.clock.now) } ?? nil
        let caller = Caller(principal: known ?? .root(account: engine.configuration.account), region: region, requestID: requestID, sourceIP: sourceIP)
        let body: Data
        do {
            body = Data(try await request.body.collect(upTo: 16 * 1_048_576).readableBytesView)
        } catch {
            return JSONCodec.error(
                WireError(errorCode: "RequestEntityTooLargeException", message: "Request must be smaller than 16777216 bytes", httpStatus: 413))
        }
        let service = signed?.service ?? Self.unsignedService(target: target, path: request.uri.path, body: body)
        if configuration.strictAuth {
            do {
                try await authenticate(request, body: body)
            } catch let failure as SigV4Verifier.Failure {
                return errorResponse(Self.authError(failure, service: service ?? ""), service: service ?? "", requestID: requestID)
            } catch {
                return errorResponse(CommonError.internalFailure(), service: service ?? "", requestID: requestID)
            }
        }
        switch service {
        case .some(let s) where ["events", "logs", "ssm", "sqs"].contains(s):
            return await json(service: s, target: target, body: body, caller: caller)
        case .some(let s) where ["sns", "iam", "sts"].contains(s):
            return await query(service: s, request: request, body: body, caller: caller)
        case .some(let s) where ["lambda", "scheduler"].contains(s):
            return await RestJSONRoutes(service: s, catalog: catalog, engine: engine).handle(request, body: body, caller: caller)
        default:
            let error = WireError(
                errorCode: "UnrecognizedClientException", message: "CloudCafe does not emulate the service '\(service ?? "unknown")'.", httpStatus: 400)
            return JSONCodec.error(error)
        }
    }

    /// The service of an unsigned request, from what its protocol puts on the wire.
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
        try SigV4Verifier.verify(request, body: body, signature: signature, secret: secret, now: VirtualClock.machineTime)
    }

    /// The error each protocol answers for a refused signature.
    static func authError(_ failure: SigV4Verifier.Failure, service: String) -> WireError {
        let query = ["sns", "iam", "sts"].contains(service)
        let status = query || service == "lambda" || service == "scheduler" ? 403 : 400
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
    func errorResponse(_ error: any AWSServiceError, service: String, requestID: String) -> Response {
        switch service {
        case "sns", "iam", "sts": QueryCodec.error(error, requestID: requestID)
        case "lambda", "scheduler": RestJSONCodec.error(error)
        default: JSONCodec.error(error)
        }
    }

    static func unsignedService(target: String?, path: String, body: Data) -> String? {
        if let target {
            if target.hasPrefix("AWSEvents.") { return "events" }
            if target.hasPrefix("Logs_20140328.") { return "logs" }
            if target.hasPrefix("AmazonSSM.") { return "ssm" }
            if target.hasPrefix("AmazonSQS.") { return "sqs" }
        }
        if path.hasPrefix("/2015-03-31/") || path.hasPrefix("/2018-10-31/") || path.hasPrefix("/2017-03-31/") { return "lambda" }
        if path.hasPrefix("/schedules") || path.hasPrefix("/schedule-groups") { return "scheduler" }
        // Query requests name their API version.
        switch QueryCodec.parseForm(String(decoding: body, as: UTF8.self))["Version"] {
        case "2010-03-31": return "sns"
        case "2010-05-08": return "iam"
        case "2011-06-15": return "sts"
        default: return nil
        }
    }

    func json(service: String, target: String?, body: Data, caller: Caller) async -> Response {
        guard let target, let dot = target.lastIndex(of: ".") else {
            return JSONCodec.error(WireError(errorCode: "UnknownOperationException", message: "Missing X-Amz-Target.", httpStatus: 400))
        }
        let name = String(target[target.index(after: dot)...])
        guard let operation = catalog.table(service)?[name] else { return JSONCodec.error(WireError.unknownOperation(name)) }
        if !body.isEmpty, (try? JSONValue(parsing: body)) == nil {
            return JSONCodec.error(WireError.malformed("Start of structure or map found where not expected."))
        }
        do {
            return try await operation.run(JSONCodec(body: body), caller, engine.dispatcher)
        } catch {
            return JSONCodec.error(Self.awsError(error, validationCode: service == "logs" ? "InvalidParameterException" : "ValidationException"))
        }
    }

    func query(service: String, request: Request, body: Data, caller: Caller) async -> Response {
        var parameters = QueryCodec.parseForm(String(decoding: body, as: UTF8.self))
        for (k, v) in request.uri.queryParameters { parameters[String(k)] = String(v) }
        let requestID = caller.requestID ?? ""
        guard let action = parameters["Action"] else {
            return QueryCodec.error(WireError(errorCode: "MissingAction", message: "Missing Action", httpStatus: 400), requestID: requestID)
        }
        guard let operation = catalog.table(service)?[action] else {
            return QueryCodec.error(
                WireError(errorCode: "InvalidAction", message: "The action \(action) is not valid for this web service.", httpStatus: 400), requestID: requestID
            )
        }
        do {
            return try await operation.run(
                QueryCodec(parameters: parameters, namespace: ServiceCatalog.namespaces[service] ?? "", requestID: requestID), caller, engine.dispatcher)
        } catch {
            let validation = service == "sns" ? "InvalidParameter" : "ValidationError"
            return QueryCodec.error(Self.awsError(error, validationCode: validation), requestID: requestID)
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
                    message:
                        "1 validation error detected: Value at '\(WireError.lowerFirst(member))' failed to satisfy constraint: Member must have the type of its shape",
                    httpStatus: 400)
        }
        Self.logger.error("internal failure", metadata: ["error": "\(error)"])
        return CommonError.internalFailure()
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async -> T) async -> T? {
        guard let value = self else { return nil }
        return await transform(value)
    }
}
