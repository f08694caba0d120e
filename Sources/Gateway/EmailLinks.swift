import CloudCafeCore
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SNS

/// The links in SNS emails, served by the daemon so they work: confirm a subscription,
/// unsubscribe. They need no credentials, as AWS's do not.
struct EmailLinks {
    let engine: CloudCafeEngine

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/confirmation.html") { request, _ in
            let q = request.uri.queryParameters
            do {
                let arn = try await engine.sns.confirmByLink(topicArn: q.get("TopicArn") ?? "", token: q.get("Token") ?? "", now: engine.clock.now)
                return Self.page("Subscription confirmed!", "You have successfully subscribed. Your subscription's id is: \(arn)")
            } catch let error as SNSError {
                return Self.page("Subscription not confirmed", error.message, status: .badRequest)
            } catch {
                return Self.page("Subscription not confirmed", "\(error)", status: .internalServerError)
            }
        }
        router.get("/unsubscribe.html") { request, _ in
            do {
                try await engine.sns.unsubscribeByLink(subscriptionArn: request.uri.queryParameters.get("SubscriptionArn") ?? "")
                return Self.page("Subscription removed!", "Your subscription has been removed. You will no longer receive notifications from this topic.")
            } catch let error as SNSError {
                return Self.page("Unsubscribe failed", error.message, status: .notFound)
            } catch {
                return Self.page("Unsubscribe failed", "\(error)", status: .internalServerError)
            }
        }
    }

    static func page(_ title: String, _ text: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = "<!DOCTYPE html><html><head><title>\(escape(title))</title></head><body><h1>\(escape(title))</h1><p>\(escape(text))</p></body></html>\n"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
