import Foundation
import HTTPTypes
import Testing

/// Exact request and response bytes per protocol, as AWS's protocol tests pin them: what a
/// botocore client sends goes in, what AWS answers comes out, byte for byte.
struct JSONProtocolTests {
    let wire: Wire

    init() throws { wire = try Wire() }

    func json11(_ target: String, _ body: String, service: String = "events") async throws -> Wire.Answer {
        try await wire.send(service: service, headers: ["X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"], body: body)
    }

    @Test func aResultIsTheOutputShapeInJSON11() async throws {
        let a = try await json11("AWSEvents.PutRule", #"{"Name":"tick","ScheduleExpression":"rate(1 minute)"}"#)
        #expect(a.status == 200)
        #expect(a.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(a.body == #"{"RuleArn":"arn:aws:events:us-east-1:000000000000:rule/tick"}"#)
        #expect(a.requestID.count == 36)
    }

    @Test func anErrorIsTypeAndMessage() async throws {
        let a = try await json11("AWSEvents.DescribeRule", #"{"Name":"nope"}"#)
        #expect(a.status == 400)
        #expect(a.body == #"{"__type":"ResourceNotFoundException","message":"Rule nope does not exist."}"#)
    }

    @Test func sqsSpeaksJSON10() async throws {
        let a = try await wire.send(
            service: "sqs", headers: ["X-Amz-Target": "AmazonSQS.CreateQueue", "Content-Type": "application/x-amz-json-1.0"], body: #"{"QueueName":"q"}"#)
        #expect(a.status == 200)
        #expect(a.header("Content-Type") == "application/x-amz-json-1.0")
        #expect(a.body == #"{"QueueUrl":"http://127.0.0.1:4566/000000000000/q"}"#)
    }

    @Test func theModelRejectsBeforeTheServiceSeesIt() async throws {
        let a = try await json11("AmazonSSM.GetParameter", #"{"Name":""}"#, service: "ssm")
        #expect(a.status == 400)
        #expect(
            a.body
                == #"{"__type":"ValidationException","message":"1 validation error detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1"}"#
        )
    }

    @Test func aBodyThatIsNotAnObjectIsASerializationError() async throws {
        let a = try await json11("AWSEvents.ListRules", "[1]")
        #expect(a.status == 400)
        #expect(a.body == #"{"__type":"SerializationException","message":"Start of structure or map found where not expected."}"#)
    }

    @Test func anUnknownTargetIsAnUnknownOperation() async throws {
        let a = try await json11("AWSEvents.Nonsense", "{}")
        #expect(a.status == 400)
        #expect(a.body.contains(#""__type":"UnknownOperationException""#))
    }
}

struct QueryProtocolTests {
    let wire: Wire

    init() throws { wire = try Wire() }

    func form(_ service: String, _ body: String) async throws -> Wire.Answer {
        try await wire.send(service: service, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: body)
    }

    @Test func aResultIsWrappedInResponseAndResultElements() async throws {
        let a = try await form("sns", "Action=CreateTopic&Name=t&Version=2010-03-31")
        #expect(a.status == 200)
        #expect(a.header("Content-Type") == "text/xml")
        #expect(
            a.body == """
                <?xml version="1.0" encoding="UTF-8"?>
                <CreateTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:000000000000:t</TopicArn></CreateTopicResult><ResponseMetadata><RequestId>\(a.requestID)</RequestId></ResponseMetadata></CreateTopicResponse>

                """)
    }

    @Test func listsGoInAsMemberNAndComeOutAsMemberElements() async throws {
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"*"}]}"#
        let encoded = policy.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let a = try await form(
            "iam",
            "Action=SimulateCustomPolicy&PolicyInputList.member.1=\(encoded)&ActionNames.member.1=sns%3APublish&ActionNames.member.2=sns%3ADeleteTopic&Version=2010-05-08"
        )
        #expect(a.status == 200)
        #expect(
            a.body == """
                <?xml version="1.0" encoding="UTF-8"?>
                <SimulateCustomPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulateCustomPolicyResult><EvaluationResults>\
                <member><EvalActionName>sns:Publish</EvalActionName><EvalResourceName>*</EvalResourceName><EvalDecision>allowed</EvalDecision>\
                <MatchedStatements><member><SourcePolicyId>PolicyInputList.1</SourcePolicyId><SourcePolicyType>IAM Policy</SourcePolicyType></member></MatchedStatements>\
                <MissingContextValues></MissingContextValues></member>\
                <member><EvalActionName>sns:DeleteTopic</EvalActionName><EvalResourceName>*</EvalResourceName><EvalDecision>implicitDeny</EvalDecision>\
                <MatchedStatements></MatchedStatements><MissingContextValues></MissingContextValues></member>\
                </EvaluationResults><IsTruncated>false</IsTruncated></SimulateCustomPolicyResult>\
                <ResponseMetadata><RequestId>\(a.requestID)</RequestId></ResponseMetadata></SimulateCustomPolicyResponse>

                """)
    }

    @Test func anErrorIsAnErrorResponseWithItsFault() async throws {
        let a = try await form("sns", "Action=GetTopicAttributes&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3Anope&Version=2010-03-31")
        #expect(a.status == 404)
        #expect(
            a.body == """
                <?xml version="1.0" encoding="UTF-8"?>
                <ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>\(a.requestID)</RequestId></ErrorResponse>

                """)
    }

    @Test func aMissingRequiredMemberIsTheServicesValidationCode() async throws {
        let a = try await form("iam", "Action=GetRole&Version=2010-05-08")
        #expect(a.status == 400)
        #expect(
            a.body == """
                <?xml version="1.0" encoding="UTF-8"?>
                <ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code>\
                <Message>1 validation error detected: Value null at &apos;roleName&apos; failed to satisfy constraint: Member must not be null</Message>\
                </Error><RequestId>\(a.requestID)</RequestId></ErrorResponse>

                """)
    }
}

struct RestJSONProtocolTests {
    let wire: Wire

    init() throws { wire = try Wire() }

    @Test func queryStringMembersBindAndTheOutputIsJSON() async throws {
        let a = try await wire.send(.get, "/2015-03-31/functions/?MaxItems=5", service: "lambda")
        #expect(a.status == 200)
        #expect(a.header("Content-Type") == "application/json")
        #expect(a.body == #"{"Functions":[]}"#)
    }

    @Test func anOutOfRangeQueryMemberIsAValidationError() async throws {
        let a = try await wire.send(.get, "/2015-03-31/functions/?MaxItems=0", service: "lambda")
        #expect(a.status == 400)
        #expect(a.header("x-amzn-ErrorType") == "ValidationException")
        #expect(
            a.body
                == #"{"Type":"User","Message":"1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"}"#
        )
    }

    @Test func uriMembersBindAndErrorsCarryTheirTypeInAHeader() async throws {
        let a = try await wire.send(.get, "/2015-03-31/functions/nope/configuration", service: "lambda")
        #expect(a.status == 404)
        #expect(a.header("x-amzn-ErrorType") == "ResourceNotFoundException")
        #expect(a.body == #"{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"}"#)
    }

    @Test func aPercentEncodedARNInThePathIsDecoded() async throws {
        let a = try await wire.send(
            .post, "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Anope", service: "lambda",
            headers: ["Content-Type": "application/json"], body: #"{"Tags":{"a":"b"}}"#)
        #expect(a.status == 404)
        #expect(a.body == #"{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"}"#)
    }
}

/// SQS answers JSON 1.0, and also the query protocol older SDKs speak.
struct SQSQueryProtocolTests {
    let wire: Wire

    init() throws { wire = try Wire() }

    func form(_ body: String) async throws -> Wire.Answer {
        try await wire.send(service: "sqs", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: body + "&Version=2012-11-05")
    }

    @Test func flattenedListsAndMapsGoInAndComeOutAsTheQueryProtocolNamedThem() async throws {
        let created = try await form("Action=CreateQueue&QueueName=q&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=45")
        #expect(
            created.body == """
                <?xml version="1.0" encoding="UTF-8"?>
                <CreateQueueResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><CreateQueueResult><QueueUrl>http://127.0.0.1:4566/000000000000/q</QueueUrl></CreateQueueResult>\
                <ResponseMetadata><RequestId>\(created.requestID)</RequestId></ResponseMetadata></CreateQueueResponse>

                """)
        _ = try await form(
            "Action=SendMessage&QueueUrl=http%3A%2F%2F127.0.0.1%3A4566%2F000000000000%2Fq&MessageBody=hi"
                + "&MessageAttribute.1.Name=drink&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=latte")
        let got = try await form(
            "Action=ReceiveMessage&QueueUrl=http%3A%2F%2F127.0.0.1%3A4566%2F000000000000%2Fq&AttributeName.1=ApproximateReceiveCount&MessageAttributeName.1=All")
        #expect(got.status == 200)
        #expect(got.body.contains("<ReceiveMessageResult><Message><MessageId>"))
        #expect(got.body.contains("<Body>hi</Body><Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>"))
        #expect(got.body.contains("<MessageAttribute><Name>drink</Name><Value><StringValue>latte</StringValue><DataType>String</DataType></Value></MessageAttribute>"))
        let attributes = try await form("Action=GetQueueAttributes&QueueUrl=http%3A%2F%2F127.0.0.1%3A4566%2F000000000000%2Fq&AttributeName.1=VisibilityTimeout")
        #expect(attributes.body.contains("<GetQueueAttributesResult><Attribute><Name>VisibilityTimeout</Name><Value>45</Value></Attribute></GetQueueAttributesResult>"))
    }

    @Test func errorsCarryTheQueryProtocolsCodes() async throws {
        let a = try await form("Action=GetQueueUrl&QueueName=missing")
        #expect(a.status == 400)
        #expect(
            a.body == """
                <?xml version="1.0" encoding="UTF-8"?>
                <ErrorResponse><Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist.</Message></Error>\
                <RequestId>\(a.requestID)</RequestId></ErrorResponse>

                """)
    }
}
