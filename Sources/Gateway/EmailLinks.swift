import CloudCafeCore
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SNS
import SNSAPI

/// The links SNS hands out, served by the daemon so they work: confirm a subscription,
/// unsubscribe, the signing certificate. They need no credentials, as AWS's do not.
struct EmailLinks {
    let engine: CloudCafeEngine

    func register(on router: Router<GatewayRequestContext>) {
        // The certificate HTTP subscribers verify SNS's signatures with (`SigningCertURL`).
        router.get("/SimpleNotificationService-cloudcafe.pem") { _, _ in
            guard let pem = await engine.sns.signingCertificate() else { return Response(status: .internalServerError) }
            return Response(status: .ok, headers: [.contentType: "application/x-x509-ca-cert"], body: .init(byteBuffer: ByteBuffer(string: pem)))
        }
        router.get("/confirmation.html") { request, _ in
            let q = request.uri.queryParameters
            do {
                let input = ConfirmSubscriptionInput(topicArn: q.get("TopicArn").map { String($0) } ?? "", token: q.get("Token").map { String($0) } ?? "")
                let out = try await engine.sns.confirmByLink(input, context(region: q.get("TopicArn").flatMap { ARN(String($0))?.region }))
                let arn = out.subscriptionArn ?? ""
                return Self.page("Subscription confirmed!", "You have successfully subscribed. Your subscription's id is: \(arn)")
            } catch let error as SNSError {
                return Self.page("Subscription not confirmed", error.message, status: .badRequest)
            } catch {
                return Self.page("Subscription not confirmed", "\(error)", status: .internalServerError)
            }
        }
        router.get("/unsubscribe.html") { request, _ in
            do {
                let arn = request.uri.queryParameters.get("SubscriptionArn").map { String($0) } ?? ""
                _ = try await engine.sns.unsubscribeByLink(UnsubscribeInput(subscriptionArn: arn), context(region: ARN(arn)?.region))
                return Self.page("Subscription removed!", "Your subscription has been removed. You will no longer receive notifications from this topic.")
            } catch let error as SNSError {
                return Self.page("Unsubscribe failed", error.message, status: error.httpStatus == 404 ? .notFound : .badRequest)
            } catch {
                return Self.page("Unsubscribe failed", "\(error)", status: .internalServerError)
            }
        }
    }

    /// Links are followed anonymously and need no permission (the token or the subscription
    /// ARN is the proof), so they go to SNS without IAM, in a context the Dispatcher builds.
    func context(region: String?) -> CallContext {
        engine.dispatcher.context(for: Caller(principal: .root(account: engine.configuration.account), region: region ?? engine.configuration.region))
    }

    static func page(_ title: String, _ text: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = "<!DOCTYPE html><html><head><title>\(escape(title))</title></head><body><h1>\(escape(title))</h1><p>\(escape(text))</p></body></html>\n"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
