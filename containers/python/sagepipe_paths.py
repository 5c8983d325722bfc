"""Container paths for sagepipe's own Python programs.

In a container they are what they say. Under the process runtime the job's folder stands in for `/` and is named by
SAGEPIPE_CONTAINER_ROOT, so `/opt/ml/...` is looked up below it.
"""
import os

ROOT = os.environ.get("SAGEPIPE_CONTAINER_ROOT", "")


def container_path(path: str) -> str:
    if ROOT and path.startswith("/opt/ml"):
        return ROOT.rstrip("/") + path
    return path
