"""
The reference notebook's flow, written with the real SageMaker Python SDK v2, against `sagepipe serve`.

The SDK's source is unpacked by the test into a temporary folder (SDK_SRC) with the stand-ins its vendor README lists;
no SDK file is modified. Every AWS call goes to serve: a boto3 session whose clients and resources all get
endpoint_url (Debian's boto3 1.26 does not read AWS_ENDPOINT_URL).

Usage: sagemaker_sdk_flow.py ENDPOINT_URL SDK_SRC ADULT_CSV CODE_DIR
Prints one line, "SAGEPIPE-REPORT <json>": {"stages": [...], "facts": {...}, "error": null | "..."}. Each stage is appended once done.
"""
import json
import os
import sys
import tempfile
import time
import traceback

ENDPOINT, SDK_SRC, ADULT_CSV, CODE_DIR = sys.argv[1:5]
sys.path.insert(0, SDK_SRC)

import boto3  # noqa: E402

REGION = "us-east-1"
ROLE = "arn:aws:iam::000000000000:role/service-role/AmazonSageMaker-ExecutionRole"
stages = []
facts = {}


class _MetricsClient:
    """Session() creates a `sagemaker-metrics` client, a service Debian's botocore does not know; the flow never calls it."""


class ServeBotoSession(boto3.session.Session):
    """Every client and resource of this session talks to serve, whatever endpoint the SDK asks for (it names STS's)."""

    def client(self, service_name, *args, **kwargs):
        if service_name == "sagemaker-metrics":
            return _MetricsClient()
        kwargs["endpoint_url"] = ENDPOINT
        return super().client(service_name, *args, **kwargs)

    def resource(self, service_name, *args, **kwargs):
        kwargs["endpoint_url"] = ENDPOINT
        return super().resource(service_name, *args, **kwargs)


def stage(name, **found):
    stages.append(name)
    facts.update(found)


def run():
    import sagemaker
    from sagemaker import image_uris
    from sagemaker.estimator import Estimator
    from sagemaker.inputs import CreateModelInput, TrainingInput
    from sagemaker.model import Model, ModelPackage
    from sagemaker.model_metrics import MetricsSource, ModelMetrics
    from sagemaker.predictor import Predictor
    from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
    from sagemaker.s3 import S3Downloader, S3Uploader
    from sagemaker.serializers import CSVSerializer
    from sagemaker.sklearn.processing import SKLearnProcessor
    from sagemaker.workflow.condition_step import ConditionStep
    from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
    from sagemaker.workflow.functions import Join, JsonGet
    from sagemaker.workflow.parameters import ParameterInteger, ParameterString
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.properties import PropertyFile
    from sagemaker.workflow.step_collections import RegisterModel
    from sagemaker.workflow.steps import CreateModelStep, ProcessingStep, TrainingStep

    boto = ServeBotoSession(aws_access_key_id="dummy", aws_secret_access_key="dummy", region_name=REGION)
    config = {"SchemaVersion": "1.0", "SageMaker": {"PythonSDK": {"Modules": {"TelemetryOptOut": True}}}}
    sess = sagemaker.session.Session(
        boto_session=boto,
        sagemaker_client=boto.client("sagemaker"),
        sagemaker_runtime_client=boto.client("sagemaker-runtime"),
        sagemaker_metrics_client=_MetricsClient(),
        sagemaker_config=config,
    )
    bucket = sess.default_bucket()
    stage("default_bucket", bucket=bucket)

    input_data = S3Uploader.upload(ADULT_CSV, f"s3://{bucket}/adult", sagemaker_session=sess)
    stage("S3Uploader.upload", input_data=input_data)

    processing_instance_count = ParameterInteger(name="ProcessingInstanceCount", default_value=1)
    processing_instance_type = ParameterString(name="ProcessingInstanceType", default_value="ml.m5.xlarge")
    training_instance_type = ParameterString(name="TrainingInstanceType", default_value="ml.m5.xlarge")
    model_approval_status = ParameterString(name="ModelApprovalStatus", default_value="PendingManualApproval")
    input_param = ParameterString(name="InputData", default_value=input_data)

    sklearn_processor = SKLearnProcessor(
        framework_version="0.23-1",
        instance_type=processing_instance_type,
        instance_count=processing_instance_count,
        base_job_name="sklearn-adult-process",
        role=ROLE,
        sagemaker_session=sess,
    )
    step_process = ProcessingStep(
        name="adultProcess",
        processor=sklearn_processor,
        inputs=[ProcessingInput(source=input_param, destination="/opt/ml/processing/input")],
        outputs=[
            ProcessingOutput(output_name="train", source="/opt/ml/processing/train"),
            ProcessingOutput(output_name="validation", source="/opt/ml/processing/validation"),
            ProcessingOutput(output_name="test", source="/opt/ml/processing/test"),
        ],
        code=os.path.join(CODE_DIR, "preprocessing.py"),
    )
    image_uri = image_uris.retrieve(framework="xgboost", region=REGION, version="1.0-1", py_version="py3", instance_type="ml.m5.xlarge")
    xgb = Estimator(
        image_uri=image_uri,
        instance_type=training_instance_type,
        instance_count=1,
        output_path=f"s3://{bucket}/adultTrain",
        role=ROLE,
        sagemaker_session=sess,
    )
    xgb.set_hyperparameters(objective="binary:logistic", num_round=50, max_depth=5, subsample=1, silent=0, eval_metric="logloss", eta=0.3)
    step_train = TrainingStep(
        name="adultTrain",
        estimator=xgb,
        inputs={
            "train": TrainingInput(s3_data=step_process.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri, content_type="text/csv"),
            "validation": TrainingInput(s3_data=step_process.properties.ProcessingOutputConfig.Outputs["validation"].S3Output.S3Uri, content_type="text/csv"),
        },
    )
    script_eval = ScriptProcessor(
        image_uri=image_uri,
        command=["python3"],
        instance_type=processing_instance_type,
        instance_count=1,
        base_job_name="script-adult-eval",
        role=ROLE,
        sagemaker_session=sess,
    )
    evaluation_report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    step_eval = ProcessingStep(
        name="adultEval",
        processor=script_eval,
        inputs=[
            ProcessingInput(source=step_train.properties.ModelArtifacts.S3ModelArtifacts, destination="/opt/ml/processing/model"),
            ProcessingInput(source=step_process.properties.ProcessingOutputConfig.Outputs["test"].S3Output.S3Uri, destination="/opt/ml/processing/test"),
        ],
        outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
        code=os.path.join(CODE_DIR, "evaluation.py"),
        property_files=[evaluation_report],
    )
    model_metrics = ModelMetrics(
        model_statistics=MetricsSource(
            s3_uri=Join(on="/", values=[step_eval.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri, "evaluation.json"]),
            content_type="application/json",
        )
    )
    step_register = RegisterModel(
        name="adultRegisterModel",
        estimator=xgb,
        model_data=step_train.properties.ModelArtifacts.S3ModelArtifacts,
        content_types=["text/csv"],
        response_types=["text/csv"],
        inference_instances=["ml.t2.medium", "ml.m5.xlarge"],
        transform_instances=["ml.m5.xlarge"],
        model_package_group_name="AdultModelPackageGroupName",
        approval_status=model_approval_status,
        model_metrics=model_metrics,
    )
    model = Model(image_uri=image_uri, model_data=step_train.properties.ModelArtifacts.S3ModelArtifacts, sagemaker_session=sess, role=ROLE)
    step_create_model = CreateModelStep(name="adultCreateModel", model=model, inputs=CreateModelInput(instance_type="ml.m5.large"))
    cond = ConditionGreaterThanOrEqualTo(left=JsonGet(step_name=step_eval.name, property_file=evaluation_report, json_path="metrics.accuracy.value"), right=0.8)
    step_cond = ConditionStep(name="adultAccCond", conditions=[cond], if_steps=[step_register, step_create_model], else_steps=[])
    pipeline = Pipeline(
        name="adultPipeline",
        parameters=[processing_instance_type, processing_instance_count, training_instance_type, model_approval_status, input_param],
        steps=[step_process, step_train, step_eval, step_cond],
        sagemaker_session=sess,
    )
    definition = json.loads(pipeline.definition())
    stage("definition", steps=[s["Name"] for s in definition["Steps"]])

    pipeline.upsert(role_arn=ROLE)
    pipeline.upsert(role_arn=ROLE, description="upserted again")
    stage("upsert twice", description=pipeline.describe().get("PipelineDescription"))

    execution = pipeline.start()
    stage("start", execution_arn=execution.arn)
    try:
        execution.wait(delay=2, max_attempts=900)
    except Exception as error:  # the waiter raises when the execution fails: say how it ended
        described = execution.describe()
        facts["steps"] = [(s["StepName"], s["StepStatus"], s.get("FailureReason", "")) for s in execution.list_steps()]
        raise RuntimeError(f"execution {described['PipelineExecutionStatus']}: {described.get('FailureReason', '')}") from error
    stage("wait", status=execution.describe()["PipelineExecutionStatus"])

    steps = execution.list_steps()
    facts["steps"] = [(s["StepName"], s["StepStatus"], s.get("FailureReason", "")) for s in steps]
    stage("list_steps")

    eval_step = next(s for s in steps if s["StepName"] == "adultEval")
    job = eval_step["Metadata"]["ProcessingJob"]["Arn"].split("/")[-1]
    described_job = sess.sagemaker_client.describe_processing_job(ProcessingJobName=job)
    evaluation_uri = described_job["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"] + "/evaluation.json"
    evaluation = json.loads(S3Downloader.read_file(evaluation_uri, sagemaker_session=sess))
    stage("S3Downloader evaluation.json", accuracy=evaluation["metrics"]["accuracy"]["value"])

    packages = sess.sagemaker_client.list_model_packages(ModelPackageGroupName="AdultModelPackageGroupName", SortBy="CreationTime", SortOrder="Descending")["ModelPackageSummaryList"]
    arn = packages[0]["ModelPackageArn"]
    sess.sagemaker_client.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
    stage("approve", model_package=arn)

    endpoint_name = "adult-sdk-endpoint"
    ModelPackage(role=ROLE, model_package_arn=arn, sagemaker_session=sess).deploy(initial_instance_count=1, instance_type="ml.m5.large", endpoint_name=endpoint_name)
    stage("ModelPackage.deploy", endpoint_status=sess.sagemaker_client.describe_endpoint(EndpointName=endpoint_name)["EndpointStatus"])

    with open(ADULT_CSV) as f:
        f.readline()
    test_uri = described_job["ProcessingInputs"][1]["S3Input"]["S3Uri"] if len(described_job["ProcessingInputs"]) > 1 else None
    row = S3Downloader.read_file(test_uri + "/test.csv", sagemaker_session=sess).splitlines()[0].split(",")[1:] if test_uri else None
    predictor = Predictor(endpoint_name=endpoint_name, sagemaker_session=sess, serializer=CSVSerializer())
    prediction = float(predictor.predict(row).decode().strip().split()[0])
    stage("predict", prediction=prediction)

    predictor.delete_endpoint()
    stage("delete endpoint")


try:
    run()
    error = None
except Exception as e:  # report how far the flow got, and why it stopped
    error = f"{type(e).__name__}: {e}\n{traceback.format_exc()[-3000:]}"
# On a line of its own: the SDK prints progress marks ("-", "!") without a newline while it waits.
print("\nSAGEPIPE-REPORT " + json.dumps({"stages": stages, "facts": facts, "error": error}))
