#!/usr/bin/env bash
# Deploys the café sales-report lab into a CloudCafe started with `--stack none`, with the
# aws CLI commands the lab uses, then runs the report once.
#   cloudcafe serve --stack none --clock-rate 0 --start-time 2026-11-27T19:59:00Z &
#   ENDPOINT=http://127.0.0.1:4566 docs/deploy-lab.sh
set -euo pipefail
ENDPOINT=${ENDPOINT:-http://127.0.0.1:4566}
ADMIN_EMAIL=${ADMIN_EMAIL:-admin@example.com}
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test} AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
aws() { command aws --endpoint-url "$ENDPOINT" --output text "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Roles: both trust Lambda.
cat > "$work/trust.json" <<'JSON'
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}
JSON
cat > "$work/basic.json" <<'JSON'
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}
JSON
aws iam create-role --role-name salesAnalysisReportRole --assume-role-policy-document "file://$work/trust.json" >/dev/null
for p in AmazonSNSFullAccess AmazonSSMReadOnlyAccess service-role/AWSLambdaRole; do
  aws iam attach-role-policy --role-name salesAnalysisReportRole --policy-arn "arn:aws:iam::aws:policy/$p"
done
aws iam put-role-policy --role-name salesAnalysisReportRole --policy-name AWSLambdaBasicRunRole --policy-document "file://$work/basic.json"
aws iam create-role --role-name salesAnalysisReportDERole --assume-role-policy-document "file://$work/trust.json" >/dev/null
aws iam attach-role-policy --role-name salesAnalysisReportDERole --policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole
aws iam put-role-policy --role-name salesAnalysisReportDERole --policy-name AWSLambdaBasicRunRole --policy-document "file://$work/basic.json"

# Parameter Store.
aws ssm put-parameter --name /cafe/dbUrl --type String --value localhost >/dev/null
aws ssm put-parameter --name /cafe/dbName --type String --value cafe_db >/dev/null
aws ssm put-parameter --name /cafe/dbUser --type String --value root >/dev/null
aws ssm put-parameter --name /cafe/dbPassword --type String --value 'Re:Start!9' >/dev/null

# The topic and its email subscription, confirmed with the token from the confirmation email.
topic=$(aws sns create-topic --name salesAnalysisReportTopic --attributes DisplayName=SARTopic)
aws sns subscribe --topic-arn "$topic" --protocol email --notification-endpoint "$ADMIN_EMAIL" >/dev/null
latest=$(curl -sf "$ENDPOINT/_cloudcafe/outbox/latest" | sed -n '/^$/,$p' | base64 -d)
token=$(printf '%s' "$latest" | grep -o 'Token=[0-9a-f]*' | head -1 | cut -d= -f2)
aws sns confirm-subscription --topic-arn "$topic" --token "$token" >/dev/null

# The database driver layer and the two functions (their code runs in-process).
mkdir -p "$work/layer/python/pymysql" && echo "# driver" > "$work/layer/python/pymysql/__init__.py"
(cd "$work/layer" && python3 -m zipfile -c ../pymysql.zip python)
layer=$(aws lambda publish-layer-version --layer-name pymysqlLibrary --description "PyMySQL library modules" \
  --zip-file "fileb://$work/pymysql.zip" --compatible-runtimes python3.9 --query LayerVersionArn)
for f in salesAnalysisReportDataExtractor salesAnalysisReport; do
  echo "# $f runs in-process in CloudCafe" > "$work/$f.py" && (cd "$work" && python3 -m zipfile -c "$f.zip" "$f.py")
done
account=$(aws sts get-caller-identity --query Account)
aws lambda create-function --function-name salesAnalysisReportDataExtractor --runtime python3.9 \
  --handler salesAnalysisReportDataExtractor.lambda_handler --zip-file "fileb://$work/salesAnalysisReportDataExtractor.zip" \
  --role "arn:aws:iam::$account:role/salesAnalysisReportDERole" --layers "$layer" >/dev/null
aws lambda create-function --function-name salesAnalysisReport --runtime python3.9 \
  --handler salesAnalysisReport.lambda_handler --zip-file "fileb://$work/salesAnalysisReport.zip" \
  --role "arn:aws:iam::$account:role/salesAnalysisReportRole" >/dev/null
aws lambda update-function-configuration --function-name salesAnalysisReport --environment "Variables={topicARN=$topic}" >/dev/null

# The daily trigger.
rule=$(aws events put-rule --name salesAnalysisReportDailyTrigger --schedule-expression "cron(0 20 ? * MON-SAT *)" \
  --description "Initiates report generation on a daily basis")
aws lambda add-permission --function-name salesAnalysisReport --statement-id salesAnalysisReportDailyTrigger \
  --action lambda:InvokeFunction --principal events.amazonaws.com --source-arn "$rule" >/dev/null
aws events put-targets --rule salesAnalysisReportDailyTrigger \
  --targets "Id=salesAnalysisReport,Arn=arn:aws:lambda:$AWS_DEFAULT_REGION:$account:function:salesAnalysisReport" >/dev/null

# Run it once now.
aws lambda invoke --function-name salesAnalysisReport "$work/response.json" >/dev/null
cat "$work/response.json"; echo
