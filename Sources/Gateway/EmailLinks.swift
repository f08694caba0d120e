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
                let input = ConfirmSubscriptionInput(topicArn: q.get("TopicArn").map { String($0) } ?? "", token: q.get("Token").map { String($0) } ?? "")
                let arn = try await linkClient(region: q.get("TopicArn").flatMap { ARN(String($0))?.region }).send(SNS.confirmSubscriptionByLink, input)
                    .subscriptionArn
                return Self.page("Subscription confirmed!", "You have successfully subscribed. Your subscription's id is: \(arn)")
            } catch let error as AWSClientError {
                return Self.page("Subscription not confirmed", error.error.message, status: .badRequest)
            } catch {
                return Self.page("Subscription not confirmed", "\(error)", status: .internalServerError)
            }
        }
        router.get("/unsubscribe.html") { request, _ in
            do {
                let arn = request.uri.queryParameters.get("SubscriptionArn").map { String($0) } ?? ""
                _ = try await linkClient(region: ARN(arn)?.region).send(SNS.unsubscribeByLink, UnsubscribeInput(subscriptionArn: arn))
                return Self.page("Subscription removed!", "Your subscription has been removed. You will no longer receive notifications from this topic.")
            } catch let error as AWSClientError {
                return Self.page("Unsubscribe failed", error.error.message, status: error.error.httpStatus == 404 ? .notFound : .badRequest)
            } catch {
                return Self.page("Unsubscribe failed", "\(error)", status: .internalServerError)
            }
        }
    }

    /// Links are followed anonymously; the operations they reach need no permission.
    func linkClient(region: String?) -> AWSClient {
        engine.dispatcher.client(as: .root(account: engine.configuration.account), region: region ?? engine.configuration.region)
    }

    static func page(_ title: String, _ text: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = "<!DOCTYPE html><html><head><title>\(escape(title))</title></head><body><h1>\(escape(title))</h1><p>\(escape(text))</p></body></html>\n"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
