"""Python side of cpu-parity.mjs: ONNX Runtime's Python API on the CPU EP, on the same model files and the same
input bytes as bench. Started once; reads one JSON request per line on stdin, answers one JSON line on stdout.

  {"op": "load", "module": M, "model": PATH, "feeds": PATH, "variant": V, "threads": T|null, "spinning": S}
  {"op": "time", "module": M, "variant": V, "iterations": N}  ->  {"samples": [ms, ...]}

`spinning` is "default" (Python's SessionOptions as they come: intra-op spinning on), "off", or "run" (spinning
on, stopped when a run returns: session.force_spinning_stop). `threads` null leaves intra_op_num_threads at 0
(ONNX Runtime's choice), as Python users do. The feeds file is bench's encodeFeeds format: a little-endian u32
header length, a JSON header [{name, type, dims, offset, bytes}], then the raw tensor bytes.
"""
import json
import struct
import sys
import time

import numpy as np
import onnxruntime as ort

DTYPES = {
    "float32": np.float32, "float64": np.float64, "float16": np.float16, "int8": np.int8, "uint8": np.uint8,
    "bool": np.bool_, "int16": np.int16, "uint16": np.uint16, "int32": np.int32, "uint32": np.uint32,
    "int64": np.int64, "uint64": np.uint64,
}


def read_feeds(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack_from("<I", data, 0)
    header = json.loads(data[4:4 + length].decode("utf-8"))
    base = 4 + length
    feeds = {}
    for h in header:
        raw = data[base + h["offset"]: base + h["offset"] + h["bytes"]]
        feeds[h["name"]] = np.frombuffer(raw, dtype=DTYPES[h["type"]]).reshape(h["dims"]).copy()
    return feeds


sessions = {}
feeds_of = {}


def load(req):
    options = ort.SessionOptions()
    if req.get("threads"):
        options.intra_op_num_threads = int(req["threads"])
    if req["spinning"] == "off":
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    elif req["spinning"] == "run":
        options.add_session_config_entry("session.force_spinning_stop", "1")
    sessions[(req["module"], req["variant"])] = ort.InferenceSession(
        req["model"], sess_options=options, providers=["CPUExecutionProvider"]
    )
    feeds_of[req["module"]] = read_feeds(req["feeds"])
    return {"loaded": True}


def timed(req):
    session = sessions[(req["module"], req["variant"])]
    feeds = feeds_of[req["module"]]
    samples = []
    for _ in range(int(req["iterations"])):
        start = time.perf_counter()
        session.run(None, feeds)
        samples.append((time.perf_counter() - start) * 1000.0)
    return {"samples": samples}


print(json.dumps({"ready": True, "onnxruntime": ort.__version__, "numpy": np.__version__,
                  "python": sys.version.split()[0]}), flush=True)
for line in sys.stdin:
    if not line.strip():
        continue
    request = json.loads(line)
    try:
        reply = load(request) if request["op"] == "load" else timed(request)
    except Exception as error:  # reported to the parent, which stops with the message
        reply = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(reply), flush=True)
