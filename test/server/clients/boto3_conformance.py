"""
boto3 (Debian's python3-boto3) against `sagepipe serve`: every implemented operation is called, and each response is
checked against botocore's own service model (required members present, types, enum values). Prints one JSON report:
{"checked": [...], "skipped": [...], "failures": [...]}. Usage: boto3_conformance.py ENDPOINT_URL
"""
import datetime
import hashlib
import io
import json
import os
import socket
import sys
import time

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = sys.argv[1]
ROLE = "arn:aws:iam::000000000000:role/Local"
BUCKET = "conformance-bucket"
checked = []
skipped = []
failures = []

# Virtual-host-style S3 names <bucket>.localhost, which this machine's resolver does not know: resolve it to loopback.
_getaddrinfo = socket.getaddrinfo


def _loopback(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback

session = boto3.session.Session(aws_access_key_id="dummy", aws_secret_access_key="dummy", region_name="us-east-1")
sm = session.client("sagemaker", endpoint_url=ENDPOINT)
rt = session.client("sagemaker-runtime", endpoint_url=ENDPOINT)
sts = session.client("sts", endpoint_url=ENDPOINT)
s3 = session.client("s3", endpoint_url=ENDPOINT, config=Config(s3={"addressing_style": "path"}))
port = ENDPOINT.rsplit(":", 1)[1]
s3v = session.client("s3", endpoint_url=f"http://localhost:{port}", config=Config(s3={"addressing_style": "virtual"}))


def validate(shape, value, path, errors):
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            errors.append(f"{path}: expected a structure, got {type(value).__name__}")
            return
        for name in shape.required_members:
            if name not in value:
                errors.append(f"{path}.{name}: required member missing")
        for name, v in value.items():
            member = shape.members.get(name)
            # An empty optional XML element parses as None (S3's LocationConstraint for us-east-1, as AWS sends it).
            if member is not None and not (v is None and name not in shape.required_members):
                validate(member, v, f"{path}.{name}", errors)
    elif t == "list":
        if not isinstance(value, list):
            errors.append(f"{path}: expected a list")
            return
        for i, v in enumerate(value):
            validate(shape.member, v, f"{path}[{i}]", errors)
    elif t == "map":
        if not isinstance(value, dict):
            errors.append(f"{path}: expected a map")
            return
        for k, v in value.items():
            validate(shape.value, v, f"{path}[{k}]", errors)
    elif t == "string":
        if not isinstance(value, str):
            errors.append(f"{path}: expected a string, got {value!r}")
        elif shape.enum and value not in shape.enum:
            errors.append(f"{path}: {value!r} is not one of {shape.enum}")
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append(f"{path}: expected an integer, got {value!r}")
    elif t in ("float", "double"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errors.append(f"{path}: expected a number, got {value!r}")
    elif t == "boolean":
        if not isinstance(value, bool):
            errors.append(f"{path}: expected a boolean, got {value!r}")
    elif t == "timestamp":
        if not isinstance(value, datetime.datetime):
            errors.append(f"{path}: expected a timestamp, got {value!r}")
    elif t == "blob":
        if not isinstance(value, (bytes, bytearray)) and not hasattr(value, "read"):
            errors.append(f"{path}: expected a blob")


def call(client, op, **params):
    """Calls `op` (its API name) and checks the response against the output shape of botocore's model."""
    model = client.meta.service_model
    if op not in model.operation_names:
        skipped.append(f"{model.service_name}.{op}")
        return None
    method = getattr(client, botocore.xform_name(op))
    response = method(**params)
    output = model.operation_model(op).output_shape
    errors = []
    if output is not None:
        body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        validate(output, body, op, errors)
    for e in errors:
        failures.append(f"{model.service_name}.{op}: {e}")
    checked.append(f"{model.service_name}.{op}")
    return response


def expect_error(code, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        if got != code:
            failures.append(f"expected {code}, got {got}: {e.response['Error'].get('Message')}")
        return e
    failures.append(f"expected {code}, the call succeeded")
    return None


def expect(condition, message):
    if not condition:
        failures.append(message)


# STS ----------------------------------------------------------------------------------------------------------------
ident = call(sts, "GetCallerIdentity")
expect(ident["Account"] == "000000000000", f"GetCallerIdentity account {ident['Account']}")

# S3 -----------------------------------------------------------------------------------------------------------------
call(s3, "CreateBucket", Bucket=BUCKET)
call(s3, "HeadBucket", Bucket=BUCKET)
loc = call(s3, "GetBucketLocation", Bucket=BUCKET)
expect(loc.get("LocationConstraint") in (None, ""), f"us-east-1 location is empty, got {loc.get('LocationConstraint')!r}")
buckets = call(s3, "ListBuckets")
expect(BUCKET in [b["Name"] for b in buckets["Buckets"]], "ListBuckets lists the bucket")
expect_error("404", s3.head_bucket, Bucket="no-such-bucket")
body = b"hello, serve"
put = call(s3, "PutObject", Bucket=BUCKET, Key="dir/a.txt", Body=body)
expect(put["ETag"] == '"%s"' % hashlib.md5(body).hexdigest(), f"PutObject ETag is the MD5: {put['ETag']}")
for i in range(5):
    s3.put_object(Bucket=BUCKET, Key=f"dir/sub{i}/x.txt", Body=b"x")
head = call(s3, "HeadObject", Bucket=BUCKET, Key="dir/a.txt")
expect(head["ContentLength"] == len(body) and head["ETag"] == put["ETag"], "HeadObject size and ETag")
got = call(s3, "GetObject", Bucket=BUCKET, Key="dir/a.txt")
expect(got["Body"].read() == body, "GetObject body")
ranged = call(s3, "GetObject", Bucket=BUCKET, Key="dir/a.txt", Range="bytes=7-")
expect(ranged["ResponseMetadata"]["HTTPStatusCode"] == 206 and ranged["Body"].read() == b"serve", "Range bytes=7- is a 206 with the tail")
expect(ranged.get("ContentRange") == f"bytes 7-{len(body) - 1}/{len(body)}", f"Content-Range {ranged.get('ContentRange')}")
expect_error("InvalidRange", s3.get_object, Bucket=BUCKET, Key="dir/a.txt", Range="bytes=100-")
listed = call(s3, "ListObjectsV2", Bucket=BUCKET, Prefix="dir/", Delimiter="/", MaxKeys=3)
expect(listed["IsTruncated"] and listed["KeyCount"] == 3, f"first page of 3: {listed.get('KeyCount')}")
pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="dir/", Delimiter="/", PaginationConfig={"PageSize": 2}))
keys = [o["Key"] for p in pages for o in p.get("Contents", [])]
prefixes = [c["Prefix"] for p in pages for c in p.get("CommonPrefixes", [])]
expect(len(pages) == 3, f"paginator pages: {len(pages)}")
expect(keys == ["dir/a.txt"] and prefixes == [f"dir/sub{i}/" for i in range(5)], f"keys {keys} prefixes {prefixes}")
call(s3, "ListObjects", Bucket=BUCKET, Prefix="dir/")
call(s3, "CopyObject", Bucket=BUCKET, Key="copy/a.txt", CopySource={"Bucket": BUCKET, "Key": "dir/a.txt"})
expect(s3.get_object(Bucket=BUCKET, Key="copy/a.txt")["Body"].read() == body, "CopyObject copies")
deleted = call(s3, "DeleteObjects", Bucket=BUCKET, Delete={"Objects": [{"Key": "copy/a.txt"}, {"Key": "dir/sub0/x.txt"}]})
expect(sorted(d["Key"] for d in deleted["Deleted"]) == ["copy/a.txt", "dir/sub0/x.txt"], "DeleteObjects reports both")
call(s3, "DeleteObject", Bucket=BUCKET, Key="dir/sub1/x.txt")
expect_error("NoSuchKey", s3.get_object, Bucket=BUCKET, Key="dir/sub1/x.txt")
up = call(s3, "CreateMultipartUpload", Bucket=BUCKET, Key="mp/object.bin")
p1 = call(s3, "UploadPart", Bucket=BUCKET, Key="mp/object.bin", UploadId=up["UploadId"], PartNumber=1, Body=b"a" * 1024)
p2 = call(s3, "UploadPart", Bucket=BUCKET, Key="mp/object.bin", UploadId=up["UploadId"], PartNumber=2, Body=b"b" * 10)
call(s3, "ListParts", Bucket=BUCKET, Key="mp/object.bin", UploadId=up["UploadId"])
done = call(s3, "CompleteMultipartUpload", Bucket=BUCKET, Key="mp/object.bin", UploadId=up["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p1["ETag"]}, {"PartNumber": 2, "ETag": p2["ETag"]}]})
expect(done["ETag"].endswith('-2"'), f"multipart ETag {done['ETag']}")
expect(s3.get_object(Bucket=BUCKET, Key="mp/object.bin")["Body"].read() == b"a" * 1024 + b"b" * 10, "multipart assembles")
aborted = s3.create_multipart_upload(Bucket=BUCKET, Key="mp/aborted.bin")
call(s3, "AbortMultipartUpload", Bucket=BUCKET, Key="mp/aborted.bin", UploadId=aborted["UploadId"])
call(s3, "ListMultipartUploads", Bucket=BUCKET)
# The transfer manager: a 20 MiB object goes up in parts and comes down in ranged parts, byte for byte.
big = os.urandom(20 * 1024 * 1024 + 123)
s3.upload_fileobj(io.BytesIO(big), BUCKET, "big/object.bin")
out = io.BytesIO()
s3.download_fileobj(BUCKET, "big/object.bin", out)
expect(hashlib.sha256(out.getvalue()).hexdigest() == hashlib.sha256(big).hexdigest(), "transfer manager round-trip of 20 MiB")
# Virtual-host style: <bucket>.localhost
s3v.put_object(Bucket=BUCKET, Key="vhost/v.txt", Body=b"virtual")
expect(s3.get_object(Bucket=BUCKET, Key="vhost/v.txt")["Body"].read() == b"virtual", "virtual-host-style PUT lands in the bucket")
expect([o["Key"] for o in s3v.list_objects_v2(Bucket=BUCKET, Prefix="vhost/")["Contents"]] == ["vhost/v.txt"], "virtual-host-style listing")
call(s3, "CreateBucket", Bucket="empty-bucket")
call(s3, "DeleteBucket", Bucket="empty-bucket")

# Step code for the pipeline: a processing script (node) and a training set.
prep = b"""
import { mkdirSync, writeFileSync } from 'node:fs';
const root = process.env.SAGEPIPE_CONTAINER_ROOT ?? '';
const out = `${root}/opt/ml/processing/output/train`;
mkdirSync(out, { recursive: true });
const rows = [];
for (let i = 0; i < 60; i++) rows.push(`${i % 2},${i % 2 ? 5 + (i % 7) : i % 5},${i % 3}`);
writeFileSync(`${out}/train.csv`, rows.join('\\n') + '\\n');
"""
s3.put_object(Bucket=BUCKET, Key="code/prep.mjs", Body=prep)
sleeper = b"setTimeout(() => undefined, 120000);\n"
s3.put_object(Bucket=BUCKET, Key="code/sleep.mjs", Body=sleeper)


def processing(name, script, outputs):
    return {
        "Name": name,
        "Type": "Processing",
        "Arguments": {
            "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30}},
            "AppSpecification": {"ImageUri": "sagepipe-node:0.1.0", "ContainerEntrypoint": ["node", f"/opt/ml/processing/input/code/{script}"]},
            "RoleArn": ROLE,
            "ProcessingInputs": [{"InputName": "code", "S3Input": {"S3Uri": f"s3://{BUCKET}/code/{script}", "LocalPath": "/opt/ml/processing/input/code", "S3DataType": "S3Prefix", "S3InputMode": "File"}}],
            "ProcessingOutputConfig": {"Outputs": [{"OutputName": o, "S3Output": {"S3Uri": f"s3://{BUCKET}/out/{name}/{o}", "LocalPath": f"/opt/ml/processing/output/{o}", "S3UploadMode": "EndOfJob"}} for o in outputs]},
        },
    }


definition = {
    "Version": "2020-12-01",
    "Parameters": [{"Name": "Rounds", "Type": "String", "DefaultValue": "3"}],
    "Steps": [
        processing("Prep", "prep.mjs", ["train"]),
        {
            "Name": "Train",
            "Type": "Training",
            "Arguments": {
                "AlgorithmSpecification": {"TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", "TrainingInputMode": "File"},
                "OutputDataConfig": {"S3OutputPath": f"s3://{BUCKET}/models"},
                "StoppingCondition": {"MaxRuntimeInSeconds": 600},
                "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 30},
                "RoleArn": ROLE,
                "InputDataConfig": [{"ChannelName": "train", "ContentType": "text/csv", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": {"Get": "Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"}, "S3DataDistributionType": "FullyReplicated"}}}],
                "HyperParameters": {"num_round": {"Get": "Parameters.Rounds"}, "objective": "binary:logistic"},
            },
        },
        {
            "Name": "Register",
            "Type": "RegisterModel",
            "Arguments": {
                "ModelPackageGroupName": "ConformanceGroup",
                "InferenceSpecification": {"Containers": [{"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", "ModelDataUrl": {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}}],
                                           "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]},
                "ModelApprovalStatus": "PendingManualApproval",
            },
        },
    ],
}

# SageMaker: pipelines -----------------------------------------------------------------------------------------------
NAME = "Conformance-Pipeline"
call(sm, "CreatePipeline", PipelineName=NAME, PipelineDefinition=json.dumps(definition), RoleArn=ROLE, PipelineDescription="first")
again = expect_error("ValidationException", sm.create_pipeline, PipelineName=NAME, PipelineDefinition=json.dumps(definition), RoleArn=ROLE)
expect(again is not None and "already exists" in again.response["Error"]["Message"], "a second CreatePipeline says 'already exists' (the SDK's upsert() relies on it)")
call(sm, "UpdatePipeline", PipelineName=NAME, PipelineDefinition=json.dumps(definition), PipelineDescription="second")
described = call(sm, "DescribePipeline", PipelineName=NAME)
arn = described["PipelineArn"]
expect(arn.endswith("pipeline/conformance-pipeline"), f"ARNs are lower case: {arn}")
expect(call(sm, "DescribePipeline", PipelineName=arn)["PipelineName"] == NAME, "DescribePipeline by the (lower-cased) ARN finds the mixed-case pipeline")
for i in range(3):
    sm.create_pipeline(PipelineName=f"page-{i}", PipelineDefinition=json.dumps({"Version": "2020-12-01", "Steps": [{"Name": "F", "Type": "Fail", "Arguments": {"ErrorMessage": "x"}}]}), RoleArn=ROLE)
first = call(sm, "ListPipelines", MaxResults=2, SortBy="Name", SortOrder="Ascending")
expect(len(first["PipelineSummaries"]) == 2 and "NextToken" in first, "ListPipelines honours MaxResults")
names = [p["PipelineName"] for page in sm.get_paginator("list_pipelines").paginate(SortBy="Name", SortOrder="Ascending", PaginationConfig={"PageSize": 1}) for p in page["PipelineSummaries"]]
expect(names == sorted([NAME, "page-0", "page-1", "page-2"]), f"ListPipelines paginated by one: {names}")
expect_error("ValidationException", sm.create_pipeline, PipelineName="../../escape", PipelineDefinition="{}", RoleArn=ROLE)

start = call(sm, "StartPipelineExecution", PipelineName=NAME, PipelineExecutionDescription="the first run", PipelineParameters=[{"Name": "Rounds", "Value": "2"}])
exec_arn = start["PipelineExecutionArn"]
status = "Executing"
for _ in range(600):
    status = sm.describe_pipeline_execution(PipelineExecutionArn=exec_arn)["PipelineExecutionStatus"]
    if status != "Executing":
        break
    time.sleep(0.2)
steps_now = sm.list_pipeline_execution_steps(PipelineExecutionArn=exec_arn)["PipelineExecutionSteps"]
expect(status == "Succeeded", f"the execution succeeded: {status} {[(s['StepName'], s['StepStatus'], s.get('FailureReason')) for s in steps_now]}")
execution = call(sm, "DescribePipelineExecution", PipelineExecutionArn=exec_arn)
expect(execution.get("PipelineExecutionDescription") == "the first run", "PipelineExecutionDescription is kept")
defn = call(sm, "DescribePipelineDefinitionForExecution", PipelineExecutionArn=exec_arn)
expect(defn["PipelineDefinition"] == json.dumps(definition), "the definition comes back exactly as submitted")
call(sm, "UpdatePipelineExecution", PipelineExecutionArn=exec_arn, PipelineExecutionDisplayName="renamed")
expect(sm.describe_pipeline_execution(PipelineExecutionArn=exec_arn)["PipelineExecutionDisplayName"] == "renamed", "UpdatePipelineExecution renames")
by_arn = call(sm, "ListPipelineExecutions", PipelineName=arn)
expect([e["PipelineExecutionArn"] for e in by_arn["PipelineExecutionSummaries"]] == [exec_arn], "ListPipelineExecutions by the lower-cased ARN of a mixed-case pipeline")
steps = call(sm, "ListPipelineExecutionSteps", PipelineExecutionArn=exec_arn, SortOrder="Ascending")["PipelineExecutionSteps"]
expect([s["StepName"] for s in steps] == ["Prep", "Train", "Register"], f"steps in order: {[s['StepName'] for s in steps]}")
params = call(sm, "ListPipelineParametersForExecution", PipelineExecutionArn=exec_arn)
expect(params["PipelineParameters"] == [{"Name": "Rounds", "Value": "2"}], f"parameters {params['PipelineParameters']}")
by_name = {s["StepName"]: s for s in steps}
if "ProcessingJob" in by_name.get("Prep", {}).get("Metadata", {}):
    job = by_name["Prep"]["Metadata"]["ProcessingJob"]["Arn"].split("/")[-1]
    call(sm, "DescribeProcessingJob", ProcessingJobName=job)
if "TrainingJob" in by_name.get("Train", {}).get("Metadata", {}):
    job = by_name["Train"]["Metadata"]["TrainingJob"]["Arn"].split("/")[-1]
    training = call(sm, "DescribeTrainingJob", TrainingJobName=job)
    expect("KmsKeyId" in training["OutputDataConfig"], "DescribeTrainingJob.OutputDataConfig.KmsKeyId (Estimator.attach reads it)")

# A run to stop: Stopping until it has ended, then Stopped; then retried.
sm.create_pipeline(PipelineName="sleeper", PipelineDefinition=json.dumps({"Version": "2020-12-01", "Steps": [processing("Sleep", "sleep.mjs", [])]}), RoleArn=ROLE)
sleeping = sm.start_pipeline_execution(PipelineName="sleeper")["PipelineExecutionArn"]
time.sleep(1)
call(sm, "StopPipelineExecution", PipelineExecutionArn=sleeping)
seen = set()
for _ in range(300):
    st = sm.describe_pipeline_execution(PipelineExecutionArn=sleeping)["PipelineExecutionStatus"]
    seen.add(st)
    if st == "Stopped":
        break
    time.sleep(0.1)
expect("Stopped" in seen, f"the stopped run ends Stopped: {seen}")
call(sm, "RetryPipelineExecution", PipelineExecutionArn=sleeping)
expect_error("ConflictException", sm.retry_pipeline_execution, PipelineExecutionArn=sleeping)
sm.stop_pipeline_execution(PipelineExecutionArn=sleeping)

# Registry --------------------------------------------------------------------------------------------------------------
call(sm, "CreateModelPackageGroup", ModelPackageGroupName="Conformance-Manual", ModelPackageGroupDescription="by hand")
group = call(sm, "DescribeModelPackageGroup", ModelPackageGroupName="Conformance-Manual")
expect(group.get("ModelPackageGroupDescription") == "by hand", "group description kept")
call(sm, "ListModelPackageGroups")
registered = sm.list_model_packages(ModelPackageGroupName="ConformanceGroup")["ModelPackageSummaryList"]
model_data = sm.describe_model_package(ModelPackageName=registered[0]["ModelPackageArn"])["InferenceSpecification"]["Containers"][0]["ModelDataUrl"] if registered else f"s3://{BUCKET}/none"
container = {"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", "ModelDataUrl": model_data}
arns = [call(sm, "CreateModelPackage", ModelPackageGroupName="Conformance-Manual", InferenceSpecification={"Containers": [container], "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]},
             ModelApprovalStatus="Approved" if i == 1 else "PendingManualApproval")["ModelPackageArn"] for i in range(4)]
package = call(sm, "DescribeModelPackage", ModelPackageName=arns[0])
expect("ModelPackageStatusDetails" in package, "DescribeModelPackage.ModelPackageStatusDetails")
expect("ProjectId" not in package.get("MetadataProperties", {}), "no ProjectId holding a step name")
call(sm, "UpdateModelPackage", ModelPackageArn=arns[2], ModelApprovalStatus="Approved")
latest = call(sm, "ListModelPackages", ModelPackageGroupName="Conformance-Manual", ModelApprovalStatus="Approved", SortBy="CreationTime", SortOrder="Descending", MaxResults=1)
expect([p["ModelPackageArn"] for p in latest["ModelPackageSummaryList"]] == [arns[2]], f"the latest approved package: {latest['ModelPackageSummaryList']}")
all_pages = list(sm.get_paginator("list_model_packages").paginate(ModelPackageGroupName="Conformance-Manual", PaginationConfig={"PageSize": 3}))
expect([len(p["ModelPackageSummaryList"]) for p in all_pages] == [3, 1], f"ListModelPackages pages: {[len(p['ModelPackageSummaryList']) for p in all_pages]}")
expect([p["ModelPackageVersion"] for page in all_pages for p in page["ModelPackageSummaryList"]] == [1, 2, 3, 4], "ascending by default")

# Models and endpoints ---------------------------------------------------------------------------------------------
call(sm, "CreateModel", ModelName="from-package", ExecutionRoleArn=ROLE, Containers=[{"ModelPackageName": arns[2]}])
call(sm, "DescribeModel", ModelName="from-package")
call(sm, "ListModels")
call(sm, "CreateEndpointConfig", EndpointConfigName="conf", ProductionVariants=[{"VariantName": "AllTraffic", "ModelName": "from-package", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}])
expect_error("ValidationException", sm.create_endpoint_config, EndpointConfigName="conf", ProductionVariants=[{"VariantName": "AllTraffic", "ModelName": "from-package", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}])
call(sm, "DescribeEndpointConfig", EndpointConfigName="conf")
call(sm, "ListEndpointConfigs")
call(sm, "CreateEndpoint", EndpointName="conformance", EndpointConfigName="conf")
expect_error("ValidationException", sm.create_endpoint, EndpointName="conformance", EndpointConfigName="conf")
endpoint_status = "Creating"
for _ in range(300):
    endpoint_status = sm.describe_endpoint(EndpointName="conformance")["EndpointStatus"]
    if endpoint_status != "Creating":
        break
    time.sleep(0.2)
ep = call(sm, "DescribeEndpoint", EndpointName="conformance")
expect(endpoint_status == "InService", f"an endpoint of a model made from a package goes InService: {ep.get('EndpointStatus')} {ep.get('FailureReason')}")
if endpoint_status == "InService":
    answer = call(rt, "InvokeEndpoint", EndpointName="conformance", ContentType="text/csv", Body=b"5,1\n0,2\n")
    predictions = answer["Body"].read().decode().split()
    expect(len(predictions) == 2 and all(0 <= float(p) <= 1 for p in predictions), f"two probabilities: {predictions}")
call(sm, "ListEndpoints")
call(sm, "DeleteEndpoint", EndpointName="conformance")
call(sm, "DeleteEndpointConfig", EndpointConfigName="conf")
call(sm, "DeleteModel", ModelName="from-package")
expect_error("ValidationException", sm.describe_model, ModelName="from-package")

# Tags, lineage and experiments reads ---------------------------------------------------------------------------------
call(sm, "AddTags", ResourceArn=arn, Tags=[{"Key": "team", "Value": "ml"}, {"Key": "stage", "Value": "dev"}])
tags = call(sm, "ListTags", ResourceArn=arn)
expect(sorted(t["Key"] for t in tags["Tags"]) == ["stage", "team"], f"tags {tags['Tags']}")
call(sm, "DeleteTags", ResourceArn=arn, TagKeys=["stage"])
expect([t["Key"] for t in sm.list_tags(ResourceArn=arn)["Tags"]] == ["team"], "DeleteTags")
for op in ["ListTrialComponents", "ListTrials", "ListExperiments", "ListActions", "ListArtifacts", "ListContexts", "ListLineageGroups", "ListProcessingJobs", "ListTrainingJobs"]:
    call(sm, op)
call(sm, "ListAssociations", SourceArn=arn)
call(sm, "DeletePipeline", PipelineName="page-0")
expect_error("ResourceNotFound", sm.describe_pipeline, PipelineName="page-0")
expect_error("UnknownOperationException", sm.list_domains)

print(json.dumps({"checked": sorted(set(checked)), "skipped": sorted(set(skipped)), "failures": failures}))
