"""Serving a model with a user's inference script, as AWS's scikit-learn and XGBoost containers do.

The script (SAGEMAKER_PROGRAM, found in SAGEMAKER_SUBMIT_DIRECTORY when that is a folder, else /opt/ml/code, else
/opt/ml/model/code where the Python SDK repacks it) may define `model_fn(model_dir)`, `input_fn(body, content_type)`,
`predict_fn(data, model)`, `output_fn(prediction, accept)`, or `transform_fn(model, body, content_type, accept)`.
Defaults when absent, as the containers document them: model_fn is required on scikit-learn (on XGBoost it loads
`xgboost-model`); input_fn decodes JSON, CSV or NPY into a NumPy array (float32 for text); predict_fn calls
`model.predict`; output_fn encodes JSON (the default Accept), CSV or NPY. Text bodies reach input_fn as str.
"""
import importlib.util
import io
import json
import os
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sagepipe_contract import CONTENT_TYPE, FRAMEWORK_ENV, MODEL_ARCHIVE, PATHS, SERVING, container_path

UTF8_TYPES = (CONTENT_TYPE["json"], CONTENT_TYPE["csv"], CONTENT_TYPE["text"], "application/jsonlines")


class UnsupportedFormatError(Exception):
    pass


def decode(body, content_type):
    import numpy as np

    if content_type == CONTENT_TYPE["json"]:
        return np.array(json.loads(body))
    if content_type == CONTENT_TYPE["csv"]:
        return np.genfromtxt(io.StringIO(body), delimiter=",", ndmin=2)
    if content_type == CONTENT_TYPE["npy"]:
        return np.load(io.BytesIO(body), allow_pickle=False)
    raise UnsupportedFormatError(f"Content type {content_type} is not supported by this framework")


def encode(prediction, accept):
    import numpy as np

    array = prediction if isinstance(prediction, np.ndarray) else np.asarray(prediction)
    if accept == CONTENT_TYPE["json"]:
        return json.dumps(array.tolist())
    if accept == CONTENT_TYPE["csv"]:
        rows = array.reshape(len(array), -1) if array.ndim > 0 else array.reshape(1, 1)
        return "\n".join(",".join(str(v) for v in row) for row in rows.tolist()) + "\n"
    if accept == CONTENT_TYPE["npy"]:
        buffer = io.BytesIO()
        np.save(buffer, array)
        return buffer.getvalue()
    raise UnsupportedFormatError(f"Accept type {accept} is not supported by this framework")


def default_model_fn(image):
    def sklearn_model_fn(model_dir):
        raise NotImplementedError("model_fn is required: define model_fn(model_dir) in the inference script")

    def xgboost_model_fn(model_dir):
        import pickle

        import xgboost as xgb

        path = os.path.join(model_dir, MODEL_ARCHIVE["xgboostModel"])
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except Exception:
            booster = xgb.Booster()
            booster.load_model(path)
            return booster

    return xgboost_model_fn if image == "xgboost" else sklearn_model_fn


def default_input_fn(body, content_type):
    import numpy as np

    array = decode(body, content_type)
    return array.astype(np.float32) if content_type in UTF8_TYPES else array


def default_predict_fn(data, model):
    try:
        import xgboost as xgb

        if isinstance(model, xgb.Booster):
            return model.predict(xgb.DMatrix(data))
    except ImportError:
        pass
    return model.predict(data)


def default_output_fn(prediction, accept):
    return encode(prediction, accept), accept


def load_script():
    program = os.environ[FRAMEWORK_ENV["program"]]
    submit = os.environ.get(FRAMEWORK_ENV["submitDirectory"], "")
    candidates = []
    if submit.startswith("/"):
        candidates.append(container_path(submit))
    candidates += [container_path(PATHS["code"]), container_path(PATHS["modelCode"])]
    for folder in candidates:
        path = os.path.join(folder, program)
        if os.path.isfile(path):
            sys.path.insert(0, folder)
            spec = importlib.util.spec_from_file_location(program[:-3] if program.endswith(".py") else program, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise FileNotFoundError(f"inference script {program} not found in {', '.join(candidates)}")


class Handlers:
    def __init__(self, module, image):
        pick = lambda name, default: getattr(module, name, None) or default  # noqa: E731
        self.model = pick("model_fn", default_model_fn(image))(container_path(PATHS["model"]))
        self.transform_fn = getattr(module, "transform_fn", None)
        self.input_fn = pick("input_fn", default_input_fn)
        self.predict_fn = pick("predict_fn", default_predict_fn)
        self.output_fn = pick("output_fn", default_output_fn)

    def invoke(self, body: bytes, content_type: str, accept: str):
        data = body.decode("utf-8") if content_type in UTF8_TYPES else body
        if self.transform_fn:
            result = self.transform_fn(self.model, data, content_type, accept)
        else:
            result = self.output_fn(self.predict_fn(self.input_fn(data, content_type), self.model), accept)
        if isinstance(result, tuple):
            body_out, type_out = result[0], result[1]
        else:
            body_out, type_out = result, accept
        if isinstance(body_out, str):
            body_out = body_out.encode("utf-8")
        elif not isinstance(body_out, (bytes, bytearray)):
            body_out = json.dumps(body_out).encode("utf-8")
        return bytes(body_out), type_out


def make_handler(handlers: Handlers):
    default_accept = os.environ.get(SERVING["defaultAcceptEnv"], CONTENT_TYPE["json"])

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def reply(self, status, body: bytes, content_type=CONTENT_TYPE["json"]):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path.split("?")[0] == SERVING["ping"]:
                self.reply(200, b"\n", CONTENT_TYPE["text"])
            else:
                self.reply(404, json.dumps({"error": f"no route {self.path}"}).encode())

        def do_POST(self):
            if self.path.split("?")[0] != SERVING["invocations"]:
                self.reply(404, json.dumps({"error": f"no route {self.path}"}).encode())
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            content_type = (self.headers.get("Content-Type") or CONTENT_TYPE["json"]).split(";")[0].strip()
            accept = (self.headers.get("Accept") or "").split(",")[0].split(";")[0].strip()
            if not accept or accept == "*/*":
                accept = default_accept
            try:
                out, out_type = handlers.invoke(body, content_type, accept)
                self.reply(200, out, out_type)
            except UnsupportedFormatError as error:
                self.reply(415, json.dumps({"error": str(error)}).encode())
            except Exception as error:  # the user's script failed: 500 with its reason, as the toolkit answers
                traceback.print_exc()
                self.reply(500, json.dumps({"error": f"{type(error).__name__}: {error}"}).encode())

        def log_message(self, format, *args):
            sys.stdout.write(f"{self.address_string()} {format % args}\n")
            sys.stdout.flush()

    return Handler


def serve(image: str) -> int:
    try:
        handlers = Handlers(load_script(), image)
    except Exception:
        traceback.print_exc()
        return 1
    host = os.environ.get(SERVING["bindHostEnv"], "0.0.0.0")
    port = int(os.environ.get(SERVING["portEnv"], str(SERVING["port"])))
    server = ThreadingHTTPServer((host, port), make_handler(handlers))
    print(f"serving {os.environ[FRAMEWORK_ENV['program']]} on {host}:{port}", flush=True)
    server.serve_forever()
    return 0
