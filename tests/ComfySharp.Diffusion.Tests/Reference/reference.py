#!/usr/bin/env python3
"""Independent PyTorch reference for ComfySharp's ONNX model graphs (written for ComfySharp's tests, not taken
from any other project).

usage: reference.py MODEL CHECKPOINT INPUTS OUTPUTS OPTIONS_JSON
  MODEL   clip | vae_decode | vae_encode | unet
  Reads weights from CHECKPOINT and input tensors from INPUTS (both .safetensors), runs the model in float32 with
  plain torch operations and writes the outputs to OUTPUTS (.safetensors). Needs only torch and numpy (Debian's
  python3-torch), no safetensors package: the format is read and written here.
"""
import json
import math
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

DTYPES = {"F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4"}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = data[base + begin:base + end]
        if info["dtype"] == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            arr = bits.view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=DTYPES[info["dtype"]])
        t = torch.from_numpy(arr.copy()).reshape(info["shape"])
        out[name] = t.float() if t.is_floating_point() else t
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        b = t.detach().contiguous().float().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def linear(sd, key, x, bias=True):
    return F.linear(x, sd[key + ".weight"], sd[key + ".bias"] if bias else None)


def heads_attention(q, k, v, heads, mask=None):
    b, tq, c = q.shape
    d = c // heads
    q = q.reshape(b, tq, heads, d).permute(0, 2, 1, 3)
    k = k.reshape(b, -1, heads, d).permute(0, 2, 1, 3)
    v = v.reshape(b, -1, heads, d).permute(0, 2, 1, 3)
    scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d)
    if mask is not None:
        scores = scores + mask
    out = torch.matmul(torch.softmax(scores, dim=-1), v)
    return out.permute(0, 2, 1, 3).reshape(b, tq, c)


def clip(sd, x, opt):
    p, layers, heads = opt["prefix"], opt["layers"], opt["heads"]
    t, w = x.shape[1], x.shape[2]
    x = x + sd[p + "embeddings.position_embedding.weight"][:t]
    mask = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)
    for i in range(layers):
        l = f"{p}encoder.layers.{i}."
        h = F.layer_norm(x, (w,), sd[l + "layer_norm1.weight"], sd[l + "layer_norm1.bias"], 1e-5)
        q, k, v = (linear(sd, l + f"self_attn.{n}_proj", h) for n in "qkv")
        x = x + linear(sd, l + "self_attn.out_proj", heads_attention(q, k, v, heads, mask))
        h = F.layer_norm(x, (w,), sd[l + "layer_norm2.weight"], sd[l + "layer_norm2.bias"], 1e-5)
        h = linear(sd, l + "mlp.fc1", h)
        h = h * torch.sigmoid(1.702 * h)
        x = x + linear(sd, l + "mlp.fc2", h)
    return F.layer_norm(x, (w,), sd[p + "final_layer_norm.weight"], sd[p + "final_layer_norm.bias"], 1e-5)


MODELS = {"clip": lambda sd, inputs, opt: {"hidden": clip(sd, inputs["embeds"], opt)}}


def main():
    model, checkpoint, inputs, outputs, options = sys.argv[1:6]
    torch.set_grad_enabled(False)
    sd = read_safetensors(checkpoint)
    write_safetensors(outputs, MODELS[model](sd, read_safetensors(inputs), json.loads(options)))


if __name__ == "__main__":
    main()
