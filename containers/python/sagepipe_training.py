"""Framework (script) mode training, as the SageMaker training toolkit runs a user's entry point.

The job's hyperparameters hold `sagemaker_program` (the script) and `sagemaker_submit_directory` (its source archive,
which sagepipe's runner has already extracted into /opt/ml/code, since the container has no S3 access here). Every
value is JSON-decoded where it parses (the Python SDK JSON-encodes them); the user's hyperparameters become
`--name value` arguments in sorted order, and the SM_* environment describes the job.
"""
import json
import os
import subprocess
import sys
from collections import deque

from sagepipe_contract import (FRAMEWORK_HYPERPARAMETER, LOCAL_HOST, PATHS, TRAINING_PATH_ENV, channel_env, channel_path,
                               container_path, hyperparameter_env, write_failure)


def decode(value):
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def to_cmd_args(hyperparameters: dict) -> list:
    """The toolkit's mapping: `--name value` (`-n value` for one-letter names), dicts as `k=v,k=v`."""
    args = []
    for key in sorted(hyperparameters):
        value = hyperparameters[key]
        args.append(f"--{key}" if len(key) > 1 else f"-{key}")
        if isinstance(value, dict):
            args.append(",".join(f"{k}={v}" for k, v in sorted(value.items())))
        else:
            args.append(str(value))
    return args


def read_json(path: str, default):
    try:
        with open(container_path(path)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def environment(hps: dict, user_hps: dict, args: list, program: str, module_dir: str) -> dict:
    """The SM_* variables; paths are container paths (mapped into the job folder under the process runtime)."""
    p = container_path
    channels_config = read_json(PATHS["inputDataConfig"], {})
    resource = read_json(PATHS["resourceConfig"], {"current_host": LOCAL_HOST, "hosts": [LOCAL_HOST]})
    channels = sorted(channels_config)
    env = {
        **{name: p(path) for name, path in TRAINING_PATH_ENV.items()},
        "SM_CHANNELS": json.dumps(channels),
        "SM_INPUT_DATA_CONFIG": json.dumps(channels_config),
        "SM_HPS": json.dumps(user_hps),
        "SM_HOSTS": json.dumps(resource.get("hosts", [LOCAL_HOST])),
        "SM_CURRENT_HOST": resource.get("current_host", LOCAL_HOST),
        "SM_CURRENT_INSTANCE_TYPE": "local",
        "SM_NETWORK_INTERFACE_NAME": resource.get("network_interface_name", "eth0"),
        "SM_RESOURCE_CONFIG": json.dumps(resource),
        "SM_NUM_CPUS": str(os.cpu_count() or 1),
        "SM_NUM_GPUS": "0",
        "SM_NUM_NEURONS": "0",
        "SM_LOG_LEVEL": str(hps.get(FRAMEWORK_HYPERPARAMETER["logLevel"], 20)),
        "SM_MODULE_NAME": program[:-3] if program.endswith(".py") else program,
        "SM_MODULE_DIR": str(hps.get(FRAMEWORK_HYPERPARAMETER["submitDirectory"], module_dir)),
        "SM_USER_ENTRY_POINT": program,
        "SM_USER_ARGS": json.dumps(args),
        "SM_FRAMEWORK_PARAMS": json.dumps({k: v for k, v in hps.items() if k.startswith("sagemaker_")}),
    }
    for channel in channels:
        env[channel_env(channel)] = p(channel_path(channel))
    for key, value in user_hps.items():
        env[hyperparameter_env(key)] = value if isinstance(value, str) else json.dumps(value)
    env["SM_TRAINING_ENV"] = json.dumps({k[3:].lower(): v for k, v in env.items() if k.startswith("SM_")})
    return env


def die_with_parent() -> None:
    """The user's script ends when this program does, however it ends (a time limit's SIGKILL included): Linux's
    parent-death signal. In a container the whole container goes anyway; as a process nothing else would stop it."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def train() -> int:
    hps = {k: decode(v) for k, v in read_json(PATHS["hyperparameters"], {}).items()}
    program = str(hps.get(FRAMEWORK_HYPERPARAMETER["program"], ""))
    user_hps = {k: v for k, v in hps.items() if not k.startswith("sagemaker_")}
    code = container_path(PATHS["code"])
    script = os.path.join(code, program)
    if not os.path.isfile(script):
        write_failure(f"ClientError: the entry point {program} is not in the source directory "
                      f"({hps.get(FRAMEWORK_HYPERPARAMETER['submitDirectory'], 'none given')})")
        print(f"no {program} in {code}", file=sys.stderr)
        return 1
    if os.path.exists(os.path.join(code, "requirements.txt")):
        print("requirements.txt: not installed (no package index offline); the image's packages are used", flush=True)
    args = to_cmd_args(user_hps)
    env = {**os.environ, **environment(hps, user_hps, args, program, code)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [code, env.get("PYTHONPATH", "")]))
    command = [sys.executable, program, *args]
    print(f"Invoking script: {' '.join(command)}", flush=True)
    for d in (PATHS["model"], PATHS["outputData"], PATHS["outputIntermediate"]):
        os.makedirs(container_path(d), exist_ok=True)
    tail: deque = deque(maxlen=20)
    process = subprocess.Popen(command, cwd=code, env=env, stderr=subprocess.PIPE, text=True, errors="replace", preexec_fn=die_with_parent)
    assert process.stderr is not None
    for line in process.stderr:
        sys.stderr.write(line)
        tail.append(line.rstrip("\n"))
    code_ = process.wait()
    if code_ != 0:
        last = " | ".join(line for line in list(tail)[-5:] if line.strip())
        write_failure(f'AlgorithmError: ExecuteUserScriptError: Command "{" ".join(command)}" exited with code {code_}: {last}')
        return code_
    return 0
