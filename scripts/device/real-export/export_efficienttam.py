"""Export EfficientTAM-Ti 512 (random weights) to four ONNX modules, as a user's PyTorch export would.

Usage: python3 export_efficienttam.py SRC_DIR OUT_DIR [--seed N] [--device cpu|cuda]
  SRC_DIR holds the `efficient_track_anything` package of github.com/yformer/EfficientTAM (not part of this
  project: fetched separately, see README.md beside this file). No weights are downloaded: the model is built
  from its yaml config with random initialisation, so numbers mean nothing for accuracy but the graphs are the
  real exporter's graphs (torch.onnx.export, opset 17, dynamo=False).

Writes OUT_DIR/{image_encoder,memory_attention,mask_decoder,memory_encoder}.onnx and OUT_DIR/export.json
(torch version, per-module node counts, op histogram, and the max abs difference between ONNX Runtime on the
CPU and PyTorch for the same inputs, when onnxruntime is importable).
"""

import argparse
import collections
import importlib
import json
import os
import re
import sys
import time
import types

import torch
import yaml


def stub_hydra():
    # The package's __init__ initialises hydra's config store; we instantiate the config ourselves, so an empty
    # stand-in is enough (hydra is not installed on the GPU machine and cannot be fetched there).
    hydra = types.ModuleType("hydra")
    hydra.initialize_config_module = lambda *a, **k: None
    core = types.ModuleType("hydra.core")
    gh = types.ModuleType("hydra.core.global_hydra")

    class GlobalHydra:
        @staticmethod
        def instance():
            return types.SimpleNamespace(is_initialized=lambda: True)

    gh.GlobalHydra = GlobalHydra
    sys.modules.update({"hydra": hydra, "hydra.core": core, "hydra.core.global_hydra": gh})


def compute_axial_rope(dim, end_x, end_y, theta=10000.0):
    """The axial RoPE table as real [N, dim/2, 2] (cos, sin) instead of complex: ONNX has no complex type."""
    freqs = 1.0 / (theta ** (torch.arange(0, dim, 4)[: (dim // 4)].float() / dim))
    t = torch.arange(end_x * end_y, dtype=torch.float32)
    t_x, t_y = (t % end_x).float(), torch.div(t, end_x, rounding_mode="floor").float()
    angles = torch.cat([torch.outer(t_x, freqs), torch.outer(t_y, freqs)], dim=-1)
    return torch.stack([angles.cos(), angles.sin()], dim=-1)


def apply_rotary_real(xq, xk, freqs_cis, repeat_freqs_k=False):
    """Same rotation as the source's complex multiply, on (even, odd) pairs with cos/sin tables."""
    cos, sin = freqs_cis[..., 0], freqs_cis[..., 1]

    def rotate(x, c, s):
        x = x.float().reshape(*x.shape[:-1], -1, 2)
        a, b = x[..., 0], x[..., 1]
        return torch.stack([a * c - b * s, a * s + b * c], dim=-1).flatten(3)

    q_out = rotate(xq, cos, sin).type_as(xq)
    if xk.shape[-2] == 0:
        return q_out, xk
    if repeat_freqs_k:
        r = xk.shape[-2] // xq.shape[-2]
        cos, sin = cos.repeat(r, 1), sin.repeat(r, 1)
    return q_out, rotate(xk, cos, sin).type_as(xk)


def patch_rope():
    # What users do to export SAM 2-family memory attention: the source's RoPE multiplies complex tensors.
    import efficient_track_anything.modeling.sam.transformer as transformer
    transformer.compute_axial_cis = compute_axial_rope
    transformer.apply_rotary_enc = apply_rotary_real


def instantiate(node):
    """Builds objects from a hydra-style config: dicts with `_target_` become calls, recursively."""
    if isinstance(node, dict):
        args = {k: instantiate(v) for k, v in node.items() if k != "_target_"}
        if "_target_" not in node:
            return args
        module_name, _, attr = node["_target_"].rpartition(".")
        return getattr(importlib.import_module(module_name), attr)(**args)
    if isinstance(node, list):
        return [instantiate(v) for v in node]
    if isinstance(node, str) and re.fullmatch(r"[-+]?\d+(\.\d*)?[eE][-+]?\d+", node):
        return float(node)  # PyYAML (YAML 1.1) reads `1e-6` as a string; OmegaConf reads it as a float
    return node


class ImageEncoder(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, image):
        out = self.m.forward_image(image)
        return out["backbone_fpn"][-1], out["vision_pos_enc"][-1]


class MemoryAttention(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, curr, curr_pos, memory, memory_pos, num_obj_ptr_tokens):
        return self.m.memory_attention(
            curr=[curr], curr_pos=[curr_pos], memory=memory, memory_pos=memory_pos,
            num_obj_ptr_tokens=num_obj_ptr_tokens,
        )


class MaskDecoder(torch.nn.Module):
    """Prompt encoder + mask decoder + object pointer, as SAM 2's _forward_sam_heads does for tracking frames."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, image_embed, point_coords, point_labels):
        m = self.m
        sparse, dense = m.sam_prompt_encoder(points=(point_coords, point_labels), boxes=None, masks=None)
        masks, ious, tokens, object_score_logits = m.sam_mask_decoder(
            image_embeddings=image_embed, image_pe=m.sam_prompt_encoder.get_dense_pe(),
            sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense,
            multimask_output=True, repeat_image=False, high_res_features=None,
        )
        appearing = object_score_logits > 0
        masks = torch.where(appearing[:, None, None], masks, masks.new_tensor(-1024.0))
        best = torch.argmax(ious, dim=-1)
        batch = torch.arange(masks.shape[0], device=masks.device)
        token = tokens[batch, best] if tokens.size(1) > 1 else tokens[:, 0]
        obj_ptr = m.obj_ptr_proj(token)
        lam = appearing.float()
        obj_ptr = lam * obj_ptr + (1 - lam) * m.no_obj_ptr
        return masks, ious, obj_ptr, object_score_logits


class MemoryEncoder(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, pix_feat, mask_for_mem):
        out = self.m.memory_encoder(pix_feat, mask_for_mem, skip_mask_sigmoid=True)
        return out["vision_features"], out["vision_pos_enc"][0]


def module_specs(model, device):
    g = torch.Generator(device="cpu").manual_seed(7)

    def r(*shape):
        return torch.randn(*shape, generator=g).to(device)

    n_mem = 7 * 1024 + 16 * 4
    return [
        ("image_encoder", ImageEncoder(model), (r(1, 3, 512, 512),), ["image"],
         ["vision_features", "vision_pos_enc"], {}),
        ("memory_attention", MemoryAttention(model),
         (r(1024, 1, 256), r(1024, 1, 256), r(n_mem, 1, 64), r(n_mem, 1, 64), torch.tensor(64, dtype=torch.int64)),
         ["curr", "curr_pos", "memory", "memory_pos", "num_obj_ptr_tokens"], ["pix_feat_with_mem"],
         {"memory": {0: "num_mem_tokens"}, "memory_pos": {0: "num_mem_tokens"}}),
        ("mask_decoder", MaskDecoder(model),
         (r(1, 256, 32, 32), torch.tensor([[[100.0, 120.0], [300.0, 340.0]]], device=device),
          torch.tensor([[2, 3]], dtype=torch.int32, device=device)),
         ["image_embed", "point_coords", "point_labels"],
         ["low_res_masks", "iou_predictions", "obj_ptr", "object_score_logits"],
         {"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}}),
        ("memory_encoder", MemoryEncoder(model), (r(1, 256, 32, 32), r(1, 1, 512, 512) * 10),
         ["pix_feat", "mask_for_mem"], ["maskmem_features", "maskmem_pos_enc"], {}),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args()
    sys.path.insert(0, os.path.abspath(a.src))
    stub_hydra()
    if not hasattr(torch, "mps"):  # torch < 2.0 (Debian's 1.13, used to try this script on a CPU machine)
        torch.mps = types.SimpleNamespace(is_available=lambda: False)
    if not hasattr(torch.nn.functional, "scaled_dot_product_attention"):  # torch < 2.0: the math form
        def sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
            s = (q @ k.transpose(-2, -1)) * (scale or q.shape[-1] ** -0.5)
            return torch.softmax(s if attn_mask is None else s + attn_mask, dim=-1) @ v
        torch.nn.functional.scaled_dot_product_attention = sdpa
    patch_rope()
    cfg_path = os.path.join(a.src, "efficient_track_anything/configs/efficienttam/efficienttam_ti_512x512.yaml")
    with open(cfg_path) as f:
        cfg = yaml.safe_load(f)["model"]
    cfg.pop("compile_image_encoder", None)
    torch.manual_seed(a.seed)
    model = instantiate(cfg).eval().to(a.device)
    os.makedirs(a.out, exist_ok=True)
    report = {"torch": torch.__version__, "opset": 17, "seed": a.seed, "modules": {}}
    only = set(os.environ.get("EXPORT_ONLY", "").split(",")) - {""}
    for name, wrapper, args, inputs, outputs, dyn in module_specs(model, a.device):
        if only and name not in only:
            continue
        path = os.path.join(a.out, f"{name}.onnx")
        t0 = time.time()
        with torch.no_grad():
            expected = wrapper(*args)
            kwargs = dict(opset_version=17, input_names=inputs, output_names=outputs,
                          dynamic_axes=dyn or None, do_constant_folding=True)
            try:
                torch.onnx.export(wrapper, args, path, dynamo=False, **kwargs)
            except TypeError:  # torch < 2.5 has no `dynamo` argument (and only the TorchScript exporter)
                torch.onnx.export(wrapper, args, path, **kwargs)
        entry = {"export_s": round(time.time() - t0, 2), "bytes": os.path.getsize(path)}
        try:
            import onnx
            proto = onnx.load(path, load_external_data=False)
            ops = collections.Counter(n.op_type for n in proto.graph.node)
            entry.update(nodes=len(proto.graph.node), ops=dict(ops.most_common()))
        except ImportError:
            pass
        try:
            import onnxruntime as ort
            sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
            feeds = {n: t.cpu().numpy() for n, t in zip(inputs, args)}
            got = sess.run(None, feeds)
            entry["max_abs_diff_vs_torch"] = max(
                float(abs(g - e.cpu().numpy()).max()) for g, e in zip(got, expected))
        except ImportError:
            pass
        report["modules"][name] = entry
        print(name, json.dumps({k: v for k, v in entry.items() if k != "ops"}), flush=True)
    with open(os.path.join(a.out, "export.json"), "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
