#!/usr/bin/env python3
"""Writes src/onnx/op-types.json: for every operator of the default ONNX domain and every version of it, the
formal inputs and outputs (name, type string, arity) and the types each type constraint allows, taken from
onnx.defs.get_all_schemas_with_history(). The precision passes decide from it, per node and at the model's opset,
which tensors may become FLOAT16 or BFLOAT16.

Usage: python3 gen-onnx-op-types.py [OUT.json]      (default: ../src/onnx/op-types.json next to this script)
       python3 gen-onnx-op-types.py --check FILE    (exit 1 if FILE lacks an op version this onnx knows)

The committed file was generated with onnx 1.23.1 (the newest release the package index had); `--check` lets a
test compare it with whatever onnx is installed (Debian's python3-onnx 1.12 in CI).
"""
import json
import os
import sys

import onnx
from onnx import defs

# Arity codes: single, optional, variadic with one type for all, variadic with a type each.
SINGLE, OPTIONAL, VARIADIC, VARIADIC_MIXED = 0, 1, 2, 3


def attr(obj, *names):
    """The first of `names` the object has (onnx renamed typeStr -> type_str and the like in 1.13)."""
    for name in names:
        if hasattr(obj, name):
            return getattr(obj, name)
    raise AttributeError(names[0])


def arity(param):
    option = param.option
    if option == defs.OpSchema.FormalParameterOption.Optional:
        return OPTIONAL
    if option == defs.OpSchema.FormalParameterOption.Variadic:
        return VARIADIC if attr(param, "is_homogeneous", "isHomogeneous") else VARIADIC_MIXED
    return SINGLE


def table():
    type_strings = []
    index = {}

    def type_id(t):
        if t not in index:
            index[t] = len(type_strings)
            type_strings.append(t)
        return index[t]

    ops = {}
    schemas = [s for s in defs.get_all_schemas_with_history() if s.domain in ("", "ai.onnx")]
    for s in sorted(schemas, key=lambda s: (s.name, s.since_version)):
        constraints = {
            attr(c, "type_param_str", "type_param_str"): sorted(
                type_id(t) for t in attr(c, "allowed_type_strs", "allowed_type_strs")
            )
            for c in s.type_constraints
        }
        ops.setdefault(s.name, []).append(
            [
                s.since_version,
                [[p.name, attr(p, "type_str", "typeStr"), arity(p)] for p in s.inputs],
                [[p.name, attr(p, "type_str", "typeStr"), arity(p)] for p in s.outputs],
                constraints,
            ]
        )
    # Constraint entries name types by index into `types`, which keeps the file small.
    return {
        "source": f"onnx {onnx.__version__} onnx.defs.get_all_schemas_with_history(), domain ai.onnx, "
        f"opsets 1..{defs.onnx_opset_version()}",
        "maxOpset": defs.onnx_opset_version(),
        "types": type_strings,
        "ops": ops,
    }


def expand(t):
    """{op: {since: (inputs, outputs, {constraint: sorted type strings})}} for comparisons."""
    out = {}
    for op, versions in t["ops"].items():
        for since, inputs, outputs, constraints in versions:
            named = {k: sorted(t["types"][i] for i in v) for k, v in constraints.items()}
            out.setdefault(op, {})[since] = (inputs, outputs, named)
    return out


def check(path):
    with open(path) as f:
        committed = expand(json.load(f))
    here = expand(table())
    problems = []
    corrected = 0
    for op, versions in here.items():
        for since, entry in versions.items():
            theirs = committed.get(op, {}).get(since)
            if theirs is None:
                problems.append(f"{op}-{since}: missing from {path}")
            elif [list(x) for x in theirs] != [list(x) for x in entry]:
                # Newer onnx releases fix old schemas in place (GridSample-16's grid type, TopK-1..11's types);
                # the committed file, from the newer release, holds the fixed form.
                corrected += 1
    for p in problems:
        print(p)
    print(f"checked {sum(len(v) for v in here.values())} op versions against onnx {onnx.__version__}: "
          f"{len(problems)} missing, {corrected} corrected by a newer onnx")
    return 1 if problems else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        sys.exit(check(sys.argv[2]))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "onnx",
                                                              "op-types.json")
    with open(out, "w") as f:
        json.dump(table(), f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
