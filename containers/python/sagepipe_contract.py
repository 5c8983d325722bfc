"""The container contract for sagepipe's Python programs: the same values as containers/contract/*.ts.

The TypeScript module is the source; a test (test/containers/contract.test.ts) compares CONTRACT below with it, so
the host that prepares a job and these programs that read it cannot drift apart. Standard library only.
"""
import os

ML_ROOT = "/opt/ml"

PATHS = {
    "root": ML_ROOT,
    "inputConfig": f"{ML_ROOT}/input/config",
    "hyperparameters": f"{ML_ROOT}/input/config/hyperparameters.json",
    "inputDataConfig": f"{ML_ROOT}/input/config/inputdataconfig.json",
    "resourceConfig": f"{ML_ROOT}/input/config/resourceconfig.json",
    "input": f"{ML_ROOT}/input",
    "inputData": f"{ML_ROOT}/input/data",
    "model": f"{ML_ROOT}/model",
    "output": f"{ML_ROOT}/output",
    "failure": f"{ML_ROOT}/output/failure",
    "outputData": f"{ML_ROOT}/output/data",
    "outputIntermediate": f"{ML_ROOT}/output/intermediate",
    "code": f"{ML_ROOT}/code",
    "modelCode": f"{ML_ROOT}/model/code",
    "processing": f"{ML_ROOT}/processing",
    "processingCode": f"{ML_ROOT}/processing/input/code",
    "processingJobConfig": f"{ML_ROOT}/config/processingjobconfig.json",
    "processingResourceConfig": f"{ML_ROOT}/config/resourceconfig.json",
}

CONTAINER_ROOT_ENV = "SAGEPIPE_CONTAINER_ROOT"
LOCAL_HOST = "algo-1"

MODEL_ARCHIVE = {"file": "model.tar.gz", "artifactSuffix": "output/model.tar.gz", "xgboostModel": "xgboost-model"}

SERVING = {
    "port": 8080,
    "portEnv": "SAGEMAKER_BIND_TO_PORT",
    "bindHostEnv": "SAGEPIPE_BIND_HOST",
    "defaultAcceptEnv": "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT",
    "ping": "/ping",
    "invocations": "/invocations",
}

CONTENT_TYPE = {
    "csv": "text/csv",
    "json": "application/json",
    "libsvm": "text/libsvm",
    "npy": "application/x-npy",
    "text": "text/plain",
}

FRAMEWORK_HYPERPARAMETER = {
    "program": "sagemaker_program",
    "submitDirectory": "sagemaker_submit_directory",
    "logLevel": "sagemaker_container_log_level",
}
FRAMEWORK_ENV = {"program": "SAGEMAKER_PROGRAM", "submitDirectory": "SAGEMAKER_SUBMIT_DIRECTORY"}
IMAGE_ENV = {"image": "SAGEPIPE_IMAGE", "node": "SAGEPIPE_NODE", "xgboostMain": "SAGEPIPE_XGBOOST_MAIN"}

TRAINING_PATH_ENV = {
    "SM_MODEL_DIR": PATHS["model"],
    "SM_INPUT_DIR": PATHS["input"],
    "SM_INPUT_CONFIG_DIR": PATHS["inputConfig"],
    "SM_OUTPUT_DIR": PATHS["output"],
    "SM_OUTPUT_DATA_DIR": PATHS["outputData"],
    "SM_OUTPUT_INTERMEDIATE_DIR": PATHS["outputIntermediate"],
}

TRAINING_ENVIRONMENT = [
    *TRAINING_PATH_ENV,
    "SM_CHANNELS",
    "SM_INPUT_DATA_CONFIG",
    "SM_HPS",
    "SM_HOSTS",
    "SM_CURRENT_HOST",
    "SM_CURRENT_INSTANCE_TYPE",
    "SM_NETWORK_INTERFACE_NAME",
    "SM_RESOURCE_CONFIG",
    "SM_NUM_CPUS",
    "SM_NUM_GPUS",
    "SM_NUM_NEURONS",
    "SM_LOG_LEVEL",
    "SM_MODULE_NAME",
    "SM_MODULE_DIR",
    "SM_USER_ENTRY_POINT",
    "SM_USER_ARGS",
    "SM_FRAMEWORK_PARAMS",
    "SM_TRAINING_ENV",
]

CONTRACT = {
    "paths": PATHS,
    "containerRootEnv": CONTAINER_ROOT_ENV,
    "localHost": LOCAL_HOST,
    "modelArchive": MODEL_ARCHIVE,
    "serving": SERVING,
    "contentType": CONTENT_TYPE,
    "frameworkHyperparameter": FRAMEWORK_HYPERPARAMETER,
    "frameworkEnv": FRAMEWORK_ENV,
    "imageEnv": IMAGE_ENV,
    "trainingPathEnv": TRAINING_PATH_ENV,
    "trainingEnvironment": TRAINING_ENVIRONMENT,
}


def channel_path(channel: str) -> str:
    return f"{PATHS['inputData']}/{channel}"


def channel_env(channel: str) -> str:
    return f"SM_CHANNEL_{channel.upper()}"


def hyperparameter_env(name: str) -> str:
    return f"SM_HP_{name.upper()}"


def is_container_path(path: str) -> bool:
    return path == ML_ROOT or path.startswith(ML_ROOT + "/")


def under_root(root: str, path: str) -> str:
    return root.rstrip("/") + path


def container_path(path: str, env=None) -> str:
    """A container path as this program opens it: below SAGEPIPE_CONTAINER_ROOT where that is set (process runtime)."""
    root = (os.environ if env is None else env).get(CONTAINER_ROOT_ENV, "")
    return under_root(root, path) if root and is_container_path(path) else path


def write_failure(reason: str) -> None:
    """A failed job's reason, where the host reads it (SageMaker's contract)."""
    path = container_path(PATHS["failure"])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(reason)
