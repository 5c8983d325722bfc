"""The Python images' entry point: `train` or `serve`, as SageMaker starts training and inference containers.

Framework (script) mode when the job names a user program (`sagemaker_program` hyperparameter for training,
SAGEMAKER_PROGRAM for serving), as AWS's scikit-learn and XGBoost containers decide; otherwise, on sagepipe-xgboost,
the built-in algorithm (the Node.js train/serve program). sagepipe-sklearn has no built-in algorithm.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sagepipe_contract import FRAMEWORK_ENV, FRAMEWORK_HYPERPARAMETER, IMAGE_ENV, PATHS, container_path, write_failure  # noqa: E402


def framework_training() -> bool:
    try:
        with open(container_path(PATHS["hyperparameters"])) as f:
            return FRAMEWORK_HYPERPARAMETER["program"] in json.load(f)
    except (OSError, ValueError):
        return False


def builtin(mode: str) -> None:
    node = os.environ.get(IMAGE_ENV["node"], "node")
    main = os.environ.get(IMAGE_ENV["xgboostMain"], "/opt/sagepipe/main.mjs")
    os.execvp(node, [node, main, mode])


def main() -> int:
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    image = os.environ.get(IMAGE_ENV["image"], "sklearn")
    if mode == "train":
        if framework_training():
            from sagepipe_training import train

            return train()
        if image == "xgboost":
            builtin(mode)
        return fail("training on sagepipe-sklearn needs a script: set the sagemaker_program and "
                    "sagemaker_submit_directory hyperparameters (the Python SDK's SKLearn estimator does)")
    if mode == "serve":
        if os.environ.get(FRAMEWORK_ENV["program"]):
            from sagepipe_serving import serve

            return serve(image)
        if image == "xgboost":
            builtin(mode)
        return fail("serving on sagepipe-sklearn needs an inference script: set SAGEMAKER_PROGRAM (and "
                    "SAGEMAKER_SUBMIT_DIRECTORY) in the model's environment")
    print(f"usage: (train | serve) — got {mode or 'nothing'!r}", file=sys.stderr)
    return 2


def fail(message: str) -> int:
    print(message, file=sys.stderr)
    try:
        write_failure(f"ClientError: {message}")
    except OSError:
        pass
    return 1


if __name__ == "__main__":
    sys.exit(main())
