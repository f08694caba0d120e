#!/usr/bin/env python3
"""Generates CloudCafe's wire surface from botocore's service models.

For each service below and the operations CloudCafe implements, writes
Sources/API/<Module>API/<Module>Shapes.swift (Codable shapes with AWS member names)
and <Module>Model.swift (the service's protocol, each operation's HTTP binding and the
constraints validation checks), plus docs/api-coverage.md. Output is a function of the
pinned botocore only: `make generate` rewrites it, `make check-generated` fails when the
committed files differ.

    python3 scripts/generate.py [--check]
"""
import gzip
import json
import os
import re
import sys

import botocore

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The operations CloudCafe implements, per botocore service. Adding an operation starts here.
# `errors` lists the codes AWS answers these operations with that the model does not declare
# (code: HTTP status), such as the constraint failures every service reports.
SERVICES = {
    "sns": {
        "module": "SNS",
        "operations": [
            "CreateTopic", "DeleteTopic", "ListTopics", "GetTopicAttributes", "SetTopicAttributes",
            "Subscribe", "ConfirmSubscription", "Unsubscribe", "ListSubscriptions", "ListSubscriptionsByTopic",
            "GetSubscriptionAttributes", "SetSubscriptionAttributes", "Publish", "PublishBatch", "TagResource",
            "UntagResource", "ListTagsForResource",
        ],
    },
    "lambda": {
        "module": "Lambda",
        "operations": [
            "CreateFunction", "GetFunction", "GetFunctionConfiguration", "UpdateFunctionConfiguration",
            "UpdateFunctionCode", "DeleteFunction", "ListFunctions", "Invoke", "AddPermission", "GetPolicy",
            "RemovePermission", "PublishLayerVersion", "GetLayerVersion", "ListLayers", "ListLayerVersions",
            "DeleteLayerVersion", "TagResource", "UntagResource", "ListTags",
            "PublishVersion", "ListVersionsByFunction", "CreateAlias", "GetAlias", "UpdateAlias", "DeleteAlias", "ListAliases",
            "PutFunctionConcurrency", "GetFunctionConcurrency", "DeleteFunctionConcurrency", "GetAccountSettings",
            "PutFunctionEventInvokeConfig", "GetFunctionEventInvokeConfig", "UpdateFunctionEventInvokeConfig",
            "DeleteFunctionEventInvokeConfig", "ListFunctionEventInvokeConfigs",
            "CreateEventSourceMapping", "GetEventSourceMapping", "ListEventSourceMappings", "UpdateEventSourceMapping",
            "DeleteEventSourceMapping",
        ],
        "errors": {"ValidationException": 400, "AccessDeniedException": 403},
    },
    "iam": {
        "module": "IAM",
        "operations": [
            "CreateRole", "GetRole", "ListRoles", "DeleteRole", "UpdateAssumeRolePolicy", "PutRolePolicy",
            "GetRolePolicy", "ListRolePolicies", "DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy",
            "ListAttachedRolePolicies", "CreatePolicy", "GetPolicy", "GetPolicyVersion", "ListPolicies",
            "DeletePolicy", "CreateUser", "GetUser", "ListUsers", "DeleteUser", "CreateAccessKey",
            "ListAccessKeys", "DeleteAccessKey", "AttachUserPolicy", "PutUserPolicy", "SimulatePrincipalPolicy",
            "SimulateCustomPolicy", "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary",
            "PutUserPermissionsBoundary", "DeleteUserPermissionsBoundary",
        ],
        "errors": {"ValidationError": 400, "AccessDenied": 403},
    },
    "sts": {"module": "STS", "operations": ["GetCallerIdentity", "AssumeRole"], "errors": {"ValidationError": 400, "AccessDenied": 403}},
    "events": {
        "module": "EventBridge",
        "operations": [
            "PutRule", "PutTargets", "EnableRule", "DisableRule", "DescribeRule", "ListRules", "DeleteRule",
            "ListTargetsByRule", "RemoveTargets", "ListRuleNamesByTarget", "TagResource", "UntagResource",
            "ListTagsForResource", "PutEvents", "TestEventPattern", "CreateEventBus", "DescribeEventBus", "ListEventBuses",
            "DeleteEventBus",
        ],
        "errors": {"ValidationException": 400, "AccessDeniedException": 400},
    },
    "scheduler": {
        "module": "Scheduler",
        "operations": [
            "CreateSchedule", "GetSchedule", "UpdateSchedule", "DeleteSchedule", "ListSchedules",
            "CreateScheduleGroup", "GetScheduleGroup", "DeleteScheduleGroup", "ListScheduleGroups",
        ],
    },
    "logs": {
        "module": "CloudWatchLogs",
        "operations": [
            "CreateLogGroup", "CreateLogStream", "PutLogEvents", "GetLogEvents", "DescribeLogGroups",
            "DescribeLogStreams", "DeleteLogGroup", "DeleteLogStream", "PutRetentionPolicy",
            "DeleteRetentionPolicy", "FilterLogEvents", "TestMetricFilter", "PutMetricFilter", "DescribeMetricFilters",
            "DeleteMetricFilter", "PutSubscriptionFilter", "DescribeSubscriptionFilters", "DeleteSubscriptionFilter",
        ],
    },
    "ssm": {
        "module": "SSM",
        "operations": [
            "PutParameter", "GetParameter", "GetParameters", "GetParametersByPath", "DeleteParameter",
            "DeleteParameters", "DescribeParameters", "GetParameterHistory",
        ],
        "errors": {"ValidationException": 400},
    },
    "sqs": {
        "module": "SQS",
        "operations": [
            "CreateQueue", "GetQueueUrl", "ListQueues", "DeleteQueue", "PurgeQueue", "SendMessage",
            "ReceiveMessage", "DeleteMessage", "GetQueueAttributes", "SetQueueAttributes", "SendMessageBatch",
            "DeleteMessageBatch", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch",
        ],
        "errors": {"InvalidParameterValue": 400, "MissingParameter": 400},
        # SQS answers JSON with the shape name, and in `x-amzn-query-error` the code its query
        # protocol used, which boto3 reports (the model predates it and lacks them).
        # SQS still answers its former query protocol; the JSON model lacks the element names it used.
        "query": {
            "xmlNamespace": "http://queue.amazonaws.com/doc/2012-11-05/",
            "items": {
                "AttributeNameList": "AttributeName", "BatchResultErrorEntryList": "BatchResultErrorEntry", "BinaryList": "BinaryListValue",
                "StringList": "StringListValue", "ChangeMessageVisibilityBatchRequestEntryList": "ChangeMessageVisibilityBatchRequestEntry",
                "ChangeMessageVisibilityBatchResultEntryList": "ChangeMessageVisibilityBatchResultEntry",
                "DeleteMessageBatchRequestEntryList": "DeleteMessageBatchRequestEntry", "DeleteMessageBatchResultEntryList": "DeleteMessageBatchResultEntry",
                "MessageAttributeNameList": "MessageAttributeName", "MessageList": "Message", "MessageSystemAttributeList": "MessageSystemAttributeName",
                "QueueUrlList": "QueueUrl", "SendMessageBatchRequestEntryList": "SendMessageBatchRequestEntry",
                "SendMessageBatchResultEntryList": "SendMessageBatchResultEntry",
                "MessageBodyAttributeMap": ["MessageAttribute", "Name", "Value"], "MessageBodySystemAttributeMap": ["MessageSystemAttribute", "Name", "Value"],
                "MessageSystemAttributeMap": ["Attribute", "Name", "Value"], "QueueAttributeMap": ["Attribute", "Name", "Value"], "TagMap": ["Tag", "Key", "Value"],
            },
        },
        "query_codes": {
            "QueueDoesNotExist": "AWS.SimpleQueueService.NonExistentQueue", "QueueNameExists": "QueueAlreadyExists",
            "TooManyEntriesInBatchRequest": "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
            "EmptyBatchRequest": "AWS.SimpleQueueService.EmptyBatchRequest",
            "BatchEntryIdsNotDistinct": "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
            "BatchRequestTooLong": "AWS.SimpleQueueService.BatchRequestTooLong",
            "InvalidBatchEntryId": "AWS.SimpleQueueService.InvalidBatchEntryId",
            "PurgeQueueInProgress": "AWS.SimpleQueueService.PurgeQueueInProgress",
            "QueueDeletedRecently": "AWS.SimpleQueueService.QueueDeletedRecently",
            "UnsupportedOperation": "AWS.SimpleQueueService.UnsupportedOperation",
            "MessageNotInflight": "AWS.SimpleQueueService.MessageNotInflight",
        },
    },
}

SWIFT_KEYWORDS = {
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
    "internal", "let", "open", "operator", "private", "protocol", "public", "rethrows", "static", "struct",
    "subscript", "typealias", "var", "break", "case", "continue", "default", "defer", "do", "else", "fallthrough",
    "for", "guard", "if", "in", "repeat", "return", "switch", "where", "while", "as", "catch", "false", "is", "nil",
    "super", "self", "Self", "throw", "throws", "true", "try", "Type", "Protocol", "any", "some",
}
# Structure names that would shadow Swift or Foundation types.
RESERVED_TYPES = {"Error", "Data", "Date", "Result", "Task", "Operation", "Type", "String", "Int", "Bool", "Double"}


def botocore_model(service):
    base = os.path.join(os.path.dirname(botocore.__file__), "data", service)
    version = sorted(os.listdir(base))[-1]
    with gzip.open(os.path.join(base, version, "service-2.json.gz")) as f:
        return json.load(f)


def lower_camel(name):
    """`TopicArn` → `topicArn`, `KMSMasterKeyId` → `kmsMasterKeyId`, `ARN` → `arn`."""
    if not name:
        return name
    i = 0
    while i < len(name) and name[i].isupper():
        i += 1
    if i == 0:
        out = name
    elif i == 1 or i == len(name):
        out = name[:i].lower() + name[i:]
    else:
        # An upper-case run followed by lower case: the run's last letter starts the next word.
        out = name[: i - 1].lower() + name[i - 1:] if name[i].isalpha() else name[:i].lower() + name[i:]
    out = re.sub(r"[^A-Za-z0-9_]", "_", out)
    return f"`{out}`" if out in SWIFT_KEYWORDS else out


def type_name(shape_name):
    n = re.sub(r"[^A-Za-z0-9_]", "", shape_name)
    n = n[0].upper() + n[1:]
    return n + "Shape" if n in RESERVED_TYPES else n


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'



class Generator:
    def __init__(self, service, config):
        self.service = service
        self.module = config["module"]
        self.model = botocore_model(service)
        self.meta = self.model["metadata"]
        self.shapes = self.model["shapes"]
        self.operations = config["operations"]
        self.extra_errors = config.get("errors", {})
        self.query_codes = config.get("query_codes")
        self.query = config.get("query")
        for op in self.operations:
            if op not in self.model["operations"]:
                sys.exit(f"{service}: botocore has no operation {op}")
        self.structures = []  # structure shapes in the order first reached
        self.reached = set()
        for op in self.operations:
            o = self.model["operations"][op]
            for part in ("input", "output"):
                if part in o:
                    self.reach(o[part]["shape"])

    def reach(self, name):
        if name in self.reached:
            return
        self.reached.add(name)
        shape = self.shapes[name]
        t = shape["type"]
        if t == "structure":
            self.structures.append(name)
            for m in shape.get("members", {}).values():
                self.reach(m["shape"])
        elif t == "list":
            self.reach(shape["member"]["shape"])
        elif t == "map":
            self.reach(shape["key"]["shape"])
            self.reach(shape["value"]["shape"])

    def swift_type(self, name):
        shape = self.shapes[name]
        t = shape["type"]
        if t == "structure":
            return type_name(name)
        if t == "list":
            return "[" + self.swift_type(shape["member"]["shape"]) + "]"
        if t == "map":
            return "[" + self.swift_type(shape["key"]["shape"]) + ": " + self.swift_type(shape["value"]["shape"]) + "]"
        return {
            "string": "String", "integer": "Int", "long": "Int", "boolean": "Bool", "double": "Double",
            "float": "Double", "timestamp": "Date", "blob": "Data",
        }[t]

    @property
    def version(self):
        return self.meta["apiVersion"]

    def header(self):
        return (
            f"// Generated by scripts/generate.py from botocore {botocore.__version__} "
            f"({self.service} {self.version}). Do not edit: run `make generate`.\n"
        )

    # MARK: shapes

    def shapes_file(self):
        body = []
        for name in self.structures:
            shape = self.shapes[name]
            members = shape.get("members", {})
            required = set(shape.get("required", []))
            tn = type_name(name)
            out = body
            out.append(f"\n/// botocore `{name}`.")
            out.append(f"public struct {tn}: Sendable, Codable, Equatable {{")
            fields = []
            for m, spec in members.items():
                st = self.swift_type(spec["shape"])
                opt = "" if m in required else "?"
                fields.append((lower_camel(m), m, st, m in required))
                out.append(f"    public var {lower_camel(m)}: {st}{opt}")
            if fields:
                params = ", ".join(f"{f}: {t}{'' if r else '? = nil'}" for f, _, t, r in fields)
                out.append(f"\n    public init({params}) {{")
                for f, _, _, _ in fields:
                    bare = f.strip("`")
                    out.append(f"        self.{bare} = {f}")
                out.append("    }")
                keys = ", ".join(f"{f} = {swift_string(w)}" for f, w, _, _ in fields)
                out.append(f"\n    enum CodingKeys: String, CodingKey {{ case {keys} }}")
            else:
                out.append("    public init() {}")
            out.append("}")
            out.extend(self.writer(tn, members, required))
            out.extend(self.reader(tn, members, required))
        text = "\n".join(body)
        uses_foundation = re.search(r"\b(Date|Data)\b", text) is not None
        head = [self.header(), "public import CloudCafeCore"] + (["public import Foundation"] if uses_foundation else [])
        return "\n".join(head) + text + "\n"

    def writer(self, type_name_, members, required):
        """The shape spelled as a JSONValue straight from its members: what JSONValueEncoder
        makes of its Codable conformance (members in CodingKeys order, nil ones left out),
        without a container, box or generic metadata lookup per member."""
        out = [f"\nextension {type_name_}: JSONValueWritable {{", "    public func jsonValue() throws -> JSONValue {"]
        if not members:
            out += ["        .object([])", "    }", "}"]
            return out
        out.append("        var members: [(String, JSONValue)] = []")
        out.append(f"        members.reserveCapacity({len(members)})")
        for m, spec in members.items():
            field = "self." + lower_camel(m).strip("`")
            value = self.json_expression(spec["shape"], "v" if m not in required else field, 0)
            if m in required:
                out.append(f"        members.append(({swift_string(m)}, {value}))")
            else:
                out.append(f"        if let v = {field} {{ members.append(({swift_string(m)}, {value})) }}")
        out += ["        return .object(members)", "    }", "}"]
        return out

    def reader(self, type_name_, members, required):
        """The shape read straight from a JSONValue: what JSONValueDecoder makes of its Codable
        conformance (a repeated key as its last occurrence, null as absent where optional),
        or nil wherever the decoder would throw, for the decoder to say why."""
        out = [f"\nextension {type_name_}: JSONValueReadable {{", "    public init?(reading value: JSONValue) {"]
        if not members:
            out += ["        guard case .object = value else { return nil }", "        self.init()", "    }", "}"]
            return out
        out.append("        guard case .object(let members) = value else { return nil }")
        names = list(members)
        for i, m in enumerate(names):
            out.append(f"        var m{i}: {self.swift_type(members[m]['shape'])}?")
        out.append("        for (key, v) in members {")
        out.append("            switch key {")
        for i, m in enumerate(names):
            read = self.read_expression(members[m]["shape"], "v", 0)
            if m in required:
                out.append(f"            case {swift_string(m)}: guard let x = {read} else {{ return nil }}; m{i} = x")
            else:
                out.append(f"            case {swift_string(m)}: if case .null = v {{ m{i} = nil }} else {{ guard let x = {read} else {{ return nil }}; m{i} = x }}")
        out += ["            default: continue", "            }", "        }"]
        req = [f"let m{i}" for i, m in enumerate(names) if m in required]
        if req:
            out.append(f"        guard {', '.join(req)} else {{ return nil }}")
        args = ", ".join(f"{lower_camel(m).strip('`')}: m{i}" for i, m in enumerate(names))
        out += [f"        self.init({args})", "    }", "}"]
        return out

    def read_expression(self, name, v, depth):
        """A Swift expression for `v` read as shape `name`, nil where it is not one."""
        shape = self.shapes[name]
        t = shape["type"]
        e = f"e{depth}"
        if t == "structure":
            return f"{type_name(name)}(reading: {v})"
        if t == "list":
            return f"{v}.readArray({{ {e} in {self.read_expression(shape['member']['shape'], e, depth + 1)} }})"
        if t == "map":
            return f"{v}.readMap({{ {e} in {self.read_expression(shape['value']['shape'], e, depth + 1)} }})"
        return {
            "string": f"{v}.readString", "integer": f"{v}.readInt", "long": f"{v}.readInt", "boolean": f"{v}.readBool",
            "double": f"{v}.readDouble", "float": f"{v}.readDouble", "timestamp": f"{v}.readDate", "blob": f"{v}.readData",
        }[t]

    def json_expression(self, name, v, depth):
        """A Swift expression for the JSONValue of `v`, a value of shape `name`, with `try`
        only where something in it throws (Swift warns of a `try` that covers nothing)."""
        shape = self.shapes[name]
        t = shape["type"]
        e = f"e{depth}"
        if t == "structure":
            return f"try {v}.jsonValue()"
        if t == "list":
            inner = self.json_expression(shape["member"]["shape"], e, depth + 1)
            throws = "try " if "try " in inner else ""
            return f".array({throws}{v}.map {{ {e} in {inner} }})"
        if t == "map":
            inner = self.json_expression(shape["value"]["shape"], f"{e}.value", depth + 1)
            throws = "try " if "try " in inner else ""
            return f".object({throws}{v}.map {{ {e} in ({e}.key, {inner}) }})"
        return {
            "string": f".string({v})", "integer": f".number(String({v}))", "long": f".number(String({v}))",
            "boolean": f".bool({v})", "double": f"try .encoding({v})", "float": f"try .encoding({v})",
            "timestamp": f"try .encoding({v})", "blob": f".string({v}.base64EncodedString())",
        }[t]

    # MARK: model

    def shape_literal(self, name):
        shape = self.shapes[name]
        t = shape["type"]
        args = []

        def bounds():
            if "min" in shape:
                args.append(f"min: {fmt_number(shape['min'])}")
            if "max" in shape:
                args.append(f"max: {fmt_number(shape['max'])}")

        if t == "structure":
            members = []
            for m, spec in shape.get("members", {}).items():
                margs = [swift_string(m), swift_string(spec["shape"])]
                if "location" in spec:
                    margs.append(f"location: .{spec['location']}")
                    if "locationName" in spec:
                        margs.append(f"locationName: {swift_string(spec['locationName'])}")
                elif "locationName" in spec:
                    margs.append(f"locationName: {swift_string(spec['locationName'])}")
                if spec.get("flattened"):
                    margs.append("flattened: true")
                members.append(".init(" + ", ".join(margs) + ")")
            args.append("[" + ", ".join(members) + "]")
            if shape.get("required"):
                args.append("required: [" + ", ".join(swift_string(r) for r in shape["required"]) + "]")
            if "payload" in shape:
                args.append(f"payload: {swift_string(shape['payload'])}")
            return f".structure({', '.join(args)})"
        if t == "list":
            args.append(swift_string(shape["member"]["shape"]))
            if "locationName" in shape["member"]:
                args.append(f"memberName: {swift_string(shape['member']['locationName'])}")
            if shape.get("flattened"):
                args.append("flattened: true")
            bounds()
            return f".list({', '.join(args)})"
        if t == "map":
            args.append(f"key: {swift_string(shape['key']['shape'])}, value: {swift_string(shape['value']['shape'])}")
            # The query protocol names a map entry's parts `key`/`value` unless the model says otherwise.
            if "locationName" in shape["key"]:
                args.append(f"keyName: {swift_string(shape['key']['locationName'])}")
            if "locationName" in shape["value"]:
                args.append(f"valueName: {swift_string(shape['value']['locationName'])}")
            if shape.get("flattened"):
                args.append("flattened: true")
            bounds()
            return f".map({', '.join(args)})"
        if t == "string":
            bounds()
            if "pattern" in shape:
                args.append(f"pattern: #\"{shape['pattern']}\"#")
            if "enum" in shape:
                args.append("enum: [" + ", ".join(swift_string(e) for e in shape["enum"]) + "]")
            if shape.get("sensitive"):
                args.append("sensitive: true")
            return f".string({', '.join(args)})"
        if t in ("integer", "long", "double", "float"):
            bounds()
            kind = {"integer": ".integer", "long": ".long", "double": ".double", "float": ".double"}[t]
            return f".number({kind}{''.join(', ' + a for a in args)})"
        if t == "boolean":
            return ".boolean"
        if t == "timestamp":
            fmt = shape.get("timestampFormat")
            return f".timestamp(format: {swift_string(fmt)})" if fmt else ".timestamp()"
        if t == "blob":
            bounds()
            if shape.get("sensitive"):
                args.append("sensitive: true")
            return f".blob({', '.join(args)})"
        raise SystemExit(f"unknown shape type {t}")

    def query_model(self):
        """The service as its former query protocol shaped it: flattened lists and maps named as then."""
        import copy
        shapes = copy.deepcopy(self.shapes)
        items = self.query["items"]
        for name, item in items.items():
            shape = shapes[name]
            shape["flattened"] = True
            if shape["type"] == "list":
                shape["member"]["locationName"] = item
            else:
                shape["key"]["locationName"], shape["value"]["locationName"] = item[1], item[2]
        for shape in shapes.values():
            for spec in shape.get("members", {}).values() if shape["type"] == "structure" else []:
                item = items.get(spec["shape"])
                if item is not None:
                    spec["locationName"] = item if isinstance(item, str) else item[0]
        saved = self.shapes
        self.shapes = shapes
        try:
            out = ["", "    /// The service on its former query protocol, which SQS still answers.", "    public static let queryService = ServiceModel("]
            out.append(f"        name: {swift_string(self.service)}, signingName: {swift_string(self.meta.get('signingName') or self.meta['endpointPrefix'])},")
            out.append(f"        protocol: .query, apiVersion: {swift_string(self.version)}, xmlNamespace: {swift_string(self.query['xmlNamespace'])},")
            out.append("        operations: [")
            for op in self.operations:
                o = self.model["operations"][op]
                args = [swift_string(op), 'method: "POST"', 'requestURI: "/"']
                if "input" in o:
                    args.append(f"input: {swift_string(o['input']['shape'])}")
                if "output" in o:
                    args.append(f"output: {swift_string(o['output']['shape'])}")
                    args.append(f"resultWrapper: {swift_string(op + 'Result')}")
                out.append(f"            .init({', '.join(args)}),")
            out.append("        ],")
            out.append("        shapes: [")
            for name in sorted(self.reached):
                out.append(f"            {swift_string(name)}: {self.shape_literal(name)},")
            out.append("        ])")
            return out
        finally:
            self.shapes = saved

    def model_file(self):
        enum = f"{self.module}Operations"
        proto = self.meta["protocol"]
        md = self.meta
        out = [self.header(), "public import CloudCafeCore\n"]
        out.append(f"/// {md.get('serviceFullName', self.service)}: the operations CloudCafe implements, as botocore models them.")
        out.append(f"public enum {enum} {{")
        for op in self.operations:
            o = self.model["operations"][op]
            i = type_name(o["input"]["shape"]) if "input" in o else "EmptyShape"
            r = type_name(o["output"]["shape"]) if "output" in o else "EmptyShape"
            out.append(f"    /// {op}.")
            out.append(
                f"    public static let {lower_camel(op)} = OperationDescriptor<{i}, {r}>(service: {swift_string(self.service)}, name: {swift_string(op)})"
            )
        out.append("")
        out.append("    /// The service's protocol, operations and shapes.")
        out.append("    public static let service = ServiceModel(")
        out.append(f"        name: {swift_string(self.service)}, signingName: {swift_string(md.get('signingName') or md['endpointPrefix'])},")
        wire = {"json": ".json", "query": ".query", "rest-json": ".restJSON"}[proto]
        extra = []
        if proto == "json":
            extra.append(f"jsonVersion: {swift_string(md.get('jsonVersion', '1.1'))}, targetPrefix: {swift_string(md['targetPrefix'])}")
        if proto == "query":
            extra.append(f"xmlNamespace: {swift_string(md['xmlNamespace'])}")
        out.append(f"        protocol: {wire}, apiVersion: {swift_string(self.version)}{''.join(', ' + e for e in extra)},")
        out.append("        operations: [")
        for op in self.operations:
            o = self.model["operations"][op]
            http = o.get("http", {})
            args = [swift_string(op), f"method: {swift_string(http.get('method', 'POST'))}", f"requestURI: {swift_string(http.get('requestUri', '/'))}"]
            if "responseCode" in http:
                args.append(f"responseCode: {http['responseCode']}")
            if "input" in o:
                args.append(f"input: {swift_string(o['input']['shape'])}")
            if "output" in o:
                args.append(f"output: {swift_string(o['output']['shape'])}")
                if "resultWrapper" in o["output"]:
                    args.append(f"resultWrapper: {swift_string(o['output']['resultWrapper'])}")
            out.append(f"            .init({', '.join(args)}),")
        out.append("        ],")
        out.append("        shapes: [")
        for name in sorted(self.reached):
            out.append(f"            {swift_string(name)}: {self.shape_literal(name)},")
        out.append("        ])")
        if self.query:
            out += self.query_model()
        out.append("}")
        out += self.errors_literal()
        return "\n".join(out) + "\n"

    def errors(self):
        """(case, wire code, HTTP status, shape) for each error the operations declare, then the extras."""
        names = sorted({e["shape"] for op in self.operations for e in self.model["operations"][op].get("errors", [])})
        out = []
        for name in names:
            trait = self.shapes[name].get("error", {})
            # The query protocol carries the modelled code; the JSON ones the shape's name.
            code = trait.get("code", name) if self.meta["protocol"] == "query" else name
            out.append((error_case(name), code, trait.get("httpStatusCode", 400), name))
        known = {e[1] for e in out}
        for code, status in sorted(self.extra_errors.items()):
            if code in known:
                sys.exit(f"{self.service}: {code} is modelled; drop it from `errors`")
            out.append((error_case(code), code, status, None))
        return out

    def errors_literal(self):
        enum = f"{self.module}ErrorCode"
        out = ["", f"/// The errors {self.meta.get('serviceFullName', self.service)} answers these operations with: each", "/// code as the wire carries it, and its HTTP status.", f"public enum {enum}: String, Sendable, CaseIterable {{"]
        errors = self.errors()
        for case, code, _, shape in errors:
            out.append(f"    /// {'botocore `' + shape + '`' if shape else 'Not in the model; AWS answers with it.'}")
            out.append(f"    case {case} = {swift_string(code)}")
        out.append("")
        out.append("    /// The HTTP status AWS answers with.")
        out.append("    public var httpStatus: Int {")
        out.append("        switch self {")
        by_status = {}
        for case, _, status, _ in errors:
            by_status.setdefault(status, []).append("." + case)
        for status, cases in sorted(by_status.items()):
            out.append(f"        case {', '.join(cases)}: {status}")
        out.append("        }")
        out.append("    }")
        if self.query_codes is not None:
            out.append("")
            out.append("    /// The code the query protocol used, sent in `x-amzn-query-error`.")
            out.append("    public var queryCode: String {")
            out.append("        switch self {")
            for case, code, _, _ in errors:
                out.append(f"        case .{case}: {swift_string(self.query_codes.get(code, code))}")
            out.append("        }")
            out.append("    }")
        out.append("}")
        return out

    def coverage(self):
        return [(self.service, self.meta.get("serviceFullName", self.service), self.meta["protocol"], self.version, self.operations)]


def error_case(name):
    """`NotFoundException` → `notFound`, `QueueDoesNotExist` → `queueDoesNotExist`."""
    for suffix in ("Exception", "Fault"):
        if name.endswith(suffix) and name != suffix:
            name = name[: -len(suffix)]
    return lower_camel(name)


def fmt_number(n):
    return str(int(n)) if float(n).is_integer() else repr(n)


def coverage_doc(generators):
    lines = [
        "# API coverage",
        "",
        "<!-- Generated by scripts/generate.py from botocore "
        + botocore.__version__
        + ". Do not edit: run `make generate`. -->",
        "",
        "The operations CloudCafe implements, per service, with the protocol it answers in. Every",
        "operation listed validates its input against botocore's model (required members, lengths,",
        "patterns, ranges, enums) and answers with AWS's messages; any other operation answers the",
        "protocol's unknown-operation error.",
        "",
    ]
    total = 0
    for g in generators:
        total += len(g.operations)
        name = g.meta.get("serviceFullName", g.service)
        lines.append(f"## {name} (`{g.service}`, {g.meta['protocol']}, {g.version})")
        lines.append("")
        lines.append(", ".join(f"`{op}`" for op in g.operations))
        lines.append("")
    lines.insert(8, f"{total} operations over {len(generators)} services.")
    lines.insert(9, "")
    return "\n".join(lines)


def shape_types_file(generators):
    """Every generated shape's Swift type by its botocore name, per service: the writer and
    reader tests decode a sample of each from its model and check `jsonValue()` and
    `init?(reading:)` against Codable."""
    out = [
        f"// Generated by scripts/generate.py from botocore {botocore.__version__}. Do not edit: run `make generate`.",
        "",
        "import CloudCafeCore",
    ]
    out += [f"import {g.module}API" for g in sorted(generators, key=lambda g: g.module)]
    out += ["", "enum GeneratedShapeTypes {", "    typealias Shape = any (Codable & JSONValueWritable & JSONValueReadable & Sendable).Type", "",
            "    /// Keyed by the service model's name.", "    static let all: [String: [String: Shape]] = ["]
    for g in generators:
        out.append(f"        {swift_string(g.service)}: [")
        for name in g.structures:
            out.append(f"            {swift_string(name)}: {g.module}API.{type_name(name)}.self,")
        out.append("        ],")
    out += ["    ]", "}", ""]
    return "\n".join(out)


def main():
    check = "--check" in sys.argv
    files = {}
    generators = [Generator(s, c) for s, c in SERVICES.items()]
    for g in generators:
        folder = os.path.join("Sources", "API", f"{g.module}API")
        files[os.path.join(folder, f"{g.module}Shapes.swift")] = g.shapes_file()
        files[os.path.join(folder, f"{g.module}Model.swift")] = g.model_file()
    files[os.path.join("docs", "api-coverage.md")] = coverage_doc(generators)
    files[os.path.join("Tests", "APITests", "GeneratedShapeTypes.swift")] = shape_types_file(generators)
    stale = []
    for path, text in files.items():
        full = os.path.join(ROOT, path)
        current = open(full).read() if os.path.exists(full) else None
        if current != text:
            stale.append(path)
            if not check:
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w") as f:
                    f.write(text)
    if check and stale:
        print("generated files are stale (run `make generate`):\n  " + "\n  ".join(stale), file=sys.stderr)
        sys.exit(1)
    if not check:
        print(f"generated {len(files)} files ({len(stale)} changed) from botocore {botocore.__version__}")


if __name__ == "__main__":
    main()
