import CloudWatchLogs
import EventBridge
import HTTPTypes
import IAM
import Lambda
import SNS
import SQS
import SSM

/// Which operations each service serves over the wire, by name.
struct ServiceCatalog: Sendable {
    /// The query protocol's XML namespaces (botocore `metadata.xmlNamespace`).
    static let namespaces = [
        "sns": "http://sns.amazonaws.com/doc/2010-03-31/",
        "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
        "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    ]

    private let tables: [String: OperationTable] = [
        "events": OperationTable([
            WireOperation(EventBridge.putRule), WireOperation(EventBridge.putTargets),
            WireOperation(EventBridge.enableRule), WireOperation(EventBridge.disableRule), WireOperation(EventBridge.describeRule),
            WireOperation(EventBridge.listRules), WireOperation(EventBridge.deleteRule), WireOperation(EventBridge.listTargetsByRule),
            WireOperation(EventBridge.removeTargets), WireOperation(EventBridge.listRuleNamesByTarget), WireOperation(EventBridge.tagResource),
            WireOperation(EventBridge.untagResource), WireOperation(EventBridge.listTagsForResource), WireOperation(EventBridge.putEvents),
        ]),
        "logs": OperationTable([
            WireOperation(CloudWatchLogs.createLogGroup), WireOperation(CloudWatchLogs.createLogStream),
            WireOperation(CloudWatchLogs.putLogEvents), WireOperation(CloudWatchLogs.getLogEvents),
            WireOperation(CloudWatchLogs.describeLogGroups), WireOperation(CloudWatchLogs.describeLogStreams),
            WireOperation(CloudWatchLogs.deleteLogGroup), WireOperation(CloudWatchLogs.deleteLogStream),
            WireOperation(CloudWatchLogs.putRetentionPolicy), WireOperation(CloudWatchLogs.deleteRetentionPolicy),
            WireOperation(CloudWatchLogs.filterLogEvents),
        ]),
        "ssm": OperationTable([
            WireOperation(SSM.putParameter), WireOperation(SSM.getParameter), WireOperation(SSM.getParameters),
            WireOperation(SSM.getParametersByPath), WireOperation(SSM.deleteParameter), WireOperation(SSM.deleteParameters),
            WireOperation(SSM.describeParameters), WireOperation(SSM.getParameterHistory),
        ]),
        "sns": OperationTable([
            WireOperation(SNS.createTopic), WireOperation(SNS.setTopicAttributes), WireOperation(SNS.subscribe),
            WireOperation(SNS.confirmSubscription), WireOperation(SNS.unsubscribe), WireOperation(SNS.publish),
            WireOperation(SNS.deleteTopic), WireOperation(SNS.listTopics), WireOperation(SNS.getTopicAttributes),
            WireOperation(SNS.listSubscriptions), WireOperation(SNS.listSubscriptionsByTopic), WireOperation(SNS.getSubscriptionAttributes),
            WireOperation(SNS.setSubscriptionAttributes), WireOperation(SNS.publishBatch),
        ]),
        "iam": OperationTable([
            WireOperation(IAM.createRole), WireOperation(IAM.putRolePolicy), WireOperation(IAM.attachRolePolicy), WireOperation(IAM.getRole),
            WireOperation(IAM.listRoles), WireOperation(IAM.updateAssumeRolePolicy), WireOperation(IAM.deleteRole), WireOperation(IAM.detachRolePolicy),
            WireOperation(IAM.listAttachedRolePolicies), WireOperation(IAM.getRolePolicy), WireOperation(IAM.listRolePolicies),
            WireOperation(IAM.deleteRolePolicy), WireOperation(IAM.createPolicy), WireOperation(IAM.getPolicy), WireOperation(IAM.getPolicyVersion),
            WireOperation(IAM.listPolicies), WireOperation(IAM.deletePolicy), WireOperation(IAM.createUser), WireOperation(IAM.getUser),
            WireOperation(IAM.listUsers), WireOperation(IAM.deleteUser), WireOperation(IAM.createAccessKey), WireOperation(IAM.listAccessKeys),
            WireOperation(IAM.deleteAccessKey), WireOperation(IAM.attachUserPolicy), WireOperation(IAM.putUserPolicy),
            WireOperation(IAM.simulatePrincipalPolicy), WireOperation(IAM.simulateCustomPolicy),
            WireOperation(IAM.putRolePermissionsBoundary), WireOperation(IAM.deleteRolePermissionsBoundary),
            WireOperation(IAM.putUserPermissionsBoundary), WireOperation(IAM.deleteUserPermissionsBoundary),
        ]),
        "sts": OperationTable([WireOperation(IAM.getCallerIdentity), WireOperation(IAM.assumeRole)]),
        "sqs": OperationTable([
            WireOperation(SQS.createQueue), WireOperation(SQS.getQueueUrl), WireOperation(SQS.listQueues), WireOperation(SQS.deleteQueue),
            WireOperation(SQS.purgeQueue), WireOperation(SQS.sendMessage), WireOperation(SQS.receiveMessage), WireOperation(SQS.deleteMessage),
            WireOperation(SQS.getQueueAttributes),
        ]),
        "scheduler": OperationTable([
            WireOperation(EventBridgeScheduler.createSchedule), WireOperation(EventBridgeScheduler.getSchedule),
            WireOperation(EventBridgeScheduler.updateSchedule), WireOperation(EventBridgeScheduler.deleteSchedule),
            WireOperation(EventBridgeScheduler.listSchedules), WireOperation(EventBridgeScheduler.createScheduleGroup),
            WireOperation(EventBridgeScheduler.getScheduleGroup), WireOperation(EventBridgeScheduler.deleteScheduleGroup),
            WireOperation(EventBridgeScheduler.listScheduleGroups),
        ]),
        "lambda": OperationTable([
            WireOperation(Lambda.createFunction, status: .created), WireOperation(Lambda.getFunctionConfiguration),
            WireOperation(Lambda.updateFunctionConfiguration), WireOperation(Lambda.addPermission, status: .created),
            WireOperation(Lambda.publishLayerVersion, status: .created), WireOperation(Lambda.getFunction),
            WireOperation(Lambda.listFunctions), WireOperation(Lambda.updateFunctionCode), WireOperation(Lambda.deleteFunction, status: .noContent),
            WireOperation(Lambda.getPolicy), WireOperation(Lambda.removePermission, status: .noContent), WireOperation(Lambda.getLayerVersion),
            WireOperation(Lambda.listLayers), WireOperation(Lambda.listLayerVersions), WireOperation(Lambda.deleteLayerVersion, status: .noContent),
            WireOperation(Lambda.tagResource, status: .noContent), WireOperation(Lambda.untagResource, status: .noContent),
            WireOperation(Lambda.listTags),
        ]),
    ]

    func table(_ service: String) -> OperationTable? { tables[service] }
}
