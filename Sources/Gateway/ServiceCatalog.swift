import CloudCafeCore
import Foundation
import HTTPTypes

/// The services the Gateway serves, found the ways the wire names them: by the SigV4
/// credential scope, by `X-Amz-Target` prefix, by the query protocol's `Version`, or by a
/// rest-json route. Built from the running services' declarations; nothing here names a service.
struct ServiceCatalog: Sendable {
    /// One served service: its declaration and the validator of its model. A class: every
    /// request looks its service up, and copying the declaration out retained each of its members.
    final class Service: Sendable {
        let declaration: ServiceDeclaration
        let validator: ShapeValidator
        /// For a service that also answers its former query protocol (SQS): the service as a
        /// query request reaches it, with that model and its validator.
        let asQuery: Service?
        /// The model the request's protocol reads (the query model for a query request to SQS).
        let wireModel: ServiceModel
        var model: ServiceModel { declaration.model }
        var wireProtocol: ServiceModel.WireProtocol { declaration.model.wireProtocol }

        init(declaration: ServiceDeclaration, validator: ShapeValidator, query: (model: ServiceModel, validator: ShapeValidator)? = nil) {
            self.declaration = declaration
            self.validator = validator
            self.wireModel = declaration.model
            self.asQuery = query.map { Service(declaration: declaration, validator: $0.validator, wireModel: $0.model) }
        }

        private init(declaration: ServiceDeclaration, validator: ShapeValidator, wireModel: ServiceModel) {
            self.declaration = declaration
            self.validator = validator
            self.wireModel = wireModel
            self.asQuery = nil
        }
    }

    /// A rest-json route: `/2015-03-31/functions/{FunctionName}/invocations`. A class: the
    /// routes are scanned on every rest-json request, and copying each operation model cost
    /// more than matching it.
    final class Route: Sendable {
        let service: String
        let operation: OperationModel
        let method: HTTPRequest.Method
        let segments: [Segment]
        /// How many literal segments it has: the most specific route wins.
        let literals: Int

        init(service: String, operation: OperationModel, method: HTTPRequest.Method, segments: [Segment], literals: Int) {
            self.service = service
            self.operation = operation
            self.method = method
            self.segments = segments
            self.literals = literals
        }

        enum Segment: Sendable, Equatable {
            case literal(String)
            case variable(String, greedy: Bool)
        }
    }

    private(set) var services: [String: Service] = [:]
    private var bySigningName: [String: String] = [:]
    private var byTargetPrefix: [String: String] = [:]
    private var byQueryVersion: [String: String] = [:]
    private(set) var routes: [Route] = []
    /// Each service's routes by method, in declaration order.
    private var routesByService: [String: [HTTPRequest.Method: [Route]]] = [:]

    init(_ declarations: [ServiceDeclaration]) {
        for d in declarations {
            let m = d.model
            services[m.name] = Service(
                declaration: d, validator: ShapeValidator(m, unenforced: d.unenforced),
                query: d.queryModel.map { ($0, ShapeValidator($0, unenforced: d.unenforced)) })
            bySigningName[m.signingName] = m.name
            if let q = d.queryModel { byQueryVersion[q.apiVersion] = m.name }
            switch m.wireProtocol {
            case .json: if let prefix = m.targetPrefix { byTargetPrefix[prefix] = m.name }
            case .query: byQueryVersion[m.apiVersion] = m.name
            case .restJSON:
                for op in m.operations {
                    let route = Self.route(m.name, op)
                    routes.append(route)
                    routesByService[m.name, default: [:]][route.method, default: []].append(route)
                }
            }
        }
    }

    static func route(_ service: String, _ op: OperationModel) -> Route {
        // Read as UTF-8 (`pieces`): String's own split walks Characters, 2 M instructions of
        // start-up over the catalog's 49 routes.
        let path = op.requestURI.pieces("?", omittingEmpty: false, maxSplits: 1).first ?? Substring(op.requestURI)
        let segments = path.pieces("/").map { part -> Route.Segment in
            if part.hasPrefix("{"), part.hasSuffix("}") {
                let name = part.dropFirst().dropLast()
                return name.hasSuffix("+") ? .variable(String(name.dropLast()), greedy: true) : .variable(String(name), greedy: false)
            }
            return .literal(String(part))
        }
        let literals = segments.filter { if case .literal = $0 { true } else { false } }.count
        return Route(service: service, operation: op, method: HTTPRequest.Method(op.method) ?? .post, segments: segments, literals: literals)
    }

    subscript(name: String) -> Service? { services[name] }

    /// The service a SigV4 credential scope names.
    func service(signingName: String) -> Service? { bySigningName[signingName].flatMap { services[$0] } }

    /// The service of an unsigned request, from what its protocol puts on the wire.
    func unsignedService(target: String?, method: HTTPRequest.Method, path: String, version: () -> String?) -> Service? {
        if let target, let dot = target.utf8.lastIndex(of: UInt8(ascii: ".")), let name = byTargetPrefix[String(target[..<dot])] { return services[name] }
        if let route = match(method, path) { return services[route.route.service] }
        return version().flatMap { byQueryVersion[$0] }.flatMap { services[$0] }
    }

    /// The route a rest-json request takes, with its path variables; the route with the most
    /// literal segments wins when several match.
    func match(_ method: HTTPRequest.Method, _ path: String, service: String? = nil) -> (route: Route, bound: [String: String])? {
        let parts = path.pieces("/")
        var best: (route: Route, bound: [String: String])?
        let candidates = service.map { routesByService[$0]?[method] ?? [] } ?? routes.filter { $0.method == method }
        for route in candidates {
            guard let bound = Self.bind(route.segments, parts) else { continue }
            if let b = best, b.route.literals >= route.literals { continue }
            best = (route, bound)
        }
        return best
    }

    static func bind(_ segments: [Route.Segment], _ parts: [Substring]) -> [String: String]? {
        // The count and the literals first: most routes fail there, before anything is allocated.
        // Every segment takes one part, but a last greedy variable takes the rest.
        let greedy: Bool
        if case .variable(_, true)? = segments.last { greedy = true } else { greedy = false }
        guard greedy ? parts.count >= segments.count : parts.count == segments.count else { return nil }
        for (n, segment) in segments.enumerated() {
            if case .literal(let text) = segment, parts[n] != text { return nil }
        }
        var bound: [String: String] = [:]
        var i = 0
        for (n, segment) in segments.enumerated() {
            switch segment {
            case .literal(let text):
                guard i < parts.count, parts[i] == text else { return nil }
                i += 1
            case .variable(let name, let greedy):
                guard i < parts.count, !parts[i].isEmpty else { return nil }
                if greedy, n == segments.count - 1 {
                    bound[name] = PercentEncoding.decode(parts[i...].joined(separator: "/")) ?? parts[i...].joined(separator: "/")
                    i = parts.count
                } else {
                    bound[name] = PercentEncoding.decode(parts[i]) ?? String(parts[i])
                    i += 1
                }
            }
        }
        return i == parts.count ? bound : nil
    }
}
