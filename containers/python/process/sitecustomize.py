"""Loaded at interpreter start-up by the process runtime (PYTHONPATH), never in a container.

A user's script names container paths (`/opt/ml/processing/input/...`); under the process runtime the job's folder
(SAGEPIPE_CONTAINER_ROOT) stands in for `/`. This maps `/opt/ml/...` paths given to Python's file functions (open,
os.*, and through them pathlib, shutil, glob, tarfile, pandas, NumPy, joblib) into that folder. Native libraries that
open paths themselves (XGBoost's save_model/load_model) are not mapped: such scripts need the Docker runtime, or
paths built from SM_* variables and arguments (which the runtime already gives as real paths).
"""
import builtins
import importlib.util
import io
import os

# The contract module beside this folder, loaded by its file: the user's script must not find it on its sys.path.
_spec = importlib.util.spec_from_file_location(
    "_sagepipe_contract", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "sagepipe_contract.py"))
_contract = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_contract)

_ROOT = os.environ.get(_contract.CONTAINER_ROOT_ENV, "").rstrip("/")


def _map(path):
    if isinstance(path, int):
        return path
    try:
        text = os.fspath(path)
    except TypeError:
        return path
    if isinstance(text, str) and _contract.is_container_path(text):
        return _contract.under_root(_ROOT, text)
    return path


def _wrap1(fn):
    def wrapped(path, *args, **kwargs):
        return fn(_map(path), *args, **kwargs)

    wrapped.__name__ = getattr(fn, "__name__", "wrapped")
    wrapped.__doc__ = getattr(fn, "__doc__", None)
    return wrapped


def _wrap2(fn):
    def wrapped(src, dst, *args, **kwargs):
        return fn(_map(src), _map(dst), *args, **kwargs)

    wrapped.__name__ = getattr(fn, "__name__", "wrapped")
    return wrapped


if _ROOT:
    builtins.open = _wrap1(builtins.open)
    io.open = builtins.open
    for _name in ("open", "stat", "lstat", "mkdir", "listdir", "scandir", "remove", "unlink", "rmdir", "chmod",
                  "access", "utime", "truncate", "readlink", "chdir"):
        if hasattr(os, _name):
            setattr(os, _name, _wrap1(getattr(os, _name)))
    for _name in ("rename", "replace", "link", "symlink"):
        if hasattr(os, _name):
            setattr(os, _name, _wrap2(getattr(os, _name)))
