#!/usr/bin/env python3
"""Independent PyTorch reference for ComfySharp's ONNX model graphs (written for ComfySharp's tests, not taken
from any other project).

usage: reference.py MODEL CHECKPOINT INPUTS OUTPUTS OPTIONS_JSON
  MODEL   clip | vae_decode | vae_encode | unet | interpolate, latent2rgb, randn (CHECKPOINT is then "-") | lora_merge | taesd
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


def conv(sd, key, x, stride=1, padding=None):
    w = sd[key + ".weight"]
    if w.dim() == 2:
        w = w[:, :, None, None]
    if padding is None:
        padding = w.shape[-1] // 2
    return F.conv2d(x, w, sd[key + ".bias"], stride=stride, padding=padding)


def group_norm(sd, key, x, eps):
    return F.group_norm(x, 32, sd[key + ".weight"], sd[key + ".bias"], eps)


def silu(x):
    return x * torch.sigmoid(x)


def vae_res(sd, p, x):
    h = conv(sd, p + ".conv1", silu(group_norm(sd, p + ".norm1", x, 1e-6)))
    h = conv(sd, p + ".conv2", silu(group_norm(sd, p + ".norm2", h, 1e-6)))
    if p + ".nin_shortcut.weight" in sd:
        x = conv(sd, p + ".nin_shortcut", x)
    return x + h


def vae_attn(sd, p, x):
    b, c, hh, ww = x.shape
    h = group_norm(sd, p + ".norm", x, 1e-6)
    q, k, v = (conv(sd, f"{p}.{n}", h).reshape(b, c, hh * ww) for n in "qkv")
    weights = torch.softmax(torch.bmm(q.transpose(1, 2), k) * c ** -0.5, dim=-1)  # [b, hw, hw]
    out = torch.bmm(v, weights.transpose(1, 2)).reshape(b, c, hh, ww)
    return x + conv(sd, p + ".proj_out", out)


def vae_mid(sd, p, x):
    return vae_res(sd, p + ".block_2", vae_attn(sd, p + ".attn_1", vae_res(sd, p + ".block_1", x)))


def count(sd, prefix):
    n = 0
    while any(k.startswith(f"{prefix}{n}.") for k in sd):
        n += 1
    return n


def vae_decode(sd, z, opt):
    p = opt["prefix"]
    if p + "post_quant_conv.weight" in sd:
        z = conv(sd, p + "post_quant_conv", z)
    h = vae_mid(sd, p + "decoder.mid", conv(sd, p + "decoder.conv_in", z))
    levels = count(sd, p + "decoder.up.")
    for i in reversed(range(levels)):
        for j in range(count(sd, f"{p}decoder.up.{i}.block.")):
            h = vae_res(sd, f"{p}decoder.up.{i}.block.{j}", h)
        if i != 0:
            h = conv(sd, f"{p}decoder.up.{i}.upsample.conv", F.interpolate(h, scale_factor=2.0, mode="nearest"))
    h = conv(sd, p + "decoder.conv_out", silu(group_norm(sd, p + "decoder.norm_out", h, 1e-6)))
    return torch.clamp((h + 1.0) / 2.0, 0.0, 1.0).permute(0, 2, 3, 1)


def vae_encode(sd, image, opt):
    p = opt["prefix"]
    h = conv(sd, p + "encoder.conv_in", image.permute(0, 3, 1, 2) * 2.0 - 1.0)
    levels = count(sd, p + "encoder.down.")
    for i in range(levels):
        for j in range(count(sd, f"{p}encoder.down.{i}.block.")):
            h = vae_res(sd, f"{p}encoder.down.{i}.block.{j}", h)
        if i != levels - 1:
            h = conv(sd, f"{p}encoder.down.{i}.downsample.conv", F.pad(h, (0, 1, 0, 1)), stride=2, padding=0)
    h = vae_mid(sd, p + "encoder.mid", h)
    h = conv(sd, p + "encoder.conv_out", silu(group_norm(sd, p + "encoder.norm_out", h, 1e-6)))
    if p + "quant_conv.weight" in sd:
        h = conv(sd, p + "quant_conv", h)
    return torch.chunk(h, 2, dim=1)[0]


def unet_res(sd, p, x, emb):
    h = conv(sd, p + ".in_layers.2", silu(group_norm(sd, p + ".in_layers.0", x, 1e-5)))
    h = h + linear(sd, p + ".emb_layers.1", silu(emb))[:, :, None, None]
    h = conv(sd, p + ".out_layers.3", silu(group_norm(sd, p + ".out_layers.0", h, 1e-5)))
    if p + ".skip_connection.weight" in sd:
        x = conv(sd, p + ".skip_connection", x)
    return x + h


def unet_transformer(sd, p, x, context, heads):
    b, c, hh, ww = x.shape
    h = conv(sd, p + ".proj_in", group_norm(sd, p + ".norm", x, 1e-6))
    t = h.reshape(b, c, hh * ww).transpose(1, 2)
    for d in range(count(sd, p + ".transformer_blocks.")):
        q = f"{p}.transformer_blocks.{d}"
        n = F.layer_norm(t, (c,), sd[q + ".norm1.weight"], sd[q + ".norm1.bias"], 1e-5)
        a = heads_attention(*(linear(sd, f"{q}.attn1.to_{m}", n, bias=False) for m in "qkv"), heads)
        t = t + linear(sd, q + ".attn1.to_out.0", a)
        n = F.layer_norm(t, (c,), sd[q + ".norm2.weight"], sd[q + ".norm2.bias"], 1e-5)
        a = heads_attention(linear(sd, q + ".attn2.to_q", n, bias=False), linear(sd, q + ".attn2.to_k", context, bias=False),
                            linear(sd, q + ".attn2.to_v", context, bias=False), heads)
        t = t + linear(sd, q + ".attn2.to_out.0", a)
        n = F.layer_norm(t, (c,), sd[q + ".norm3.weight"], sd[q + ".norm3.bias"], 1e-5)
        value, gate = linear(sd, q + ".ff.net.0.proj", n).chunk(2, dim=-1)
        t = t + linear(sd, q + ".ff.net.2", value * F.gelu(gate))
    h = t.transpose(1, 2).reshape(b, c, hh, ww)
    return conv(sd, p + ".proj_out", h) + x


def unet_block(sd, p, h, emb, context, heads, skip_shape=None):
    """Runs the layers stored under p (p.0, p.1, ...) in order, whatever their kind."""
    i = 0
    while any(k.startswith(f"{p}.{i}.") for k in sd):
        q = f"{p}.{i}"
        if q + ".in_layers.0.weight" in sd:
            h = unet_res(sd, q, h, emb)
        elif q + ".proj_in.weight" in sd:
            h = unet_transformer(sd, q, h, context, heads)
        elif q + ".op.weight" in sd:
            h = conv(sd, q + ".op", h, stride=2, padding=1)
        elif q + ".conv.weight" in sd:
            h = conv(sd, q + ".conv", F.interpolate(h, size=skip_shape[-2:], mode="nearest"))
        else:
            h = conv(sd, q, h)
        i += 1
    return h


def unet(sd, x, t, context, opt):
    p, heads = opt["prefix"], opt["heads"]
    mc = sd[p + "input_blocks.0.0.weight"].shape[0]
    half = mc // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
    args = t[:, None] * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    emb = linear(sd, p + "time_embed.2", silu(linear(sd, p + "time_embed.0", emb)))
    hs, h = [], x
    for i in range(count(sd, p + "input_blocks.")):
        h = unet_block(sd, f"{p}input_blocks.{i}", h, emb, context, heads)
        hs.append(h)
    h = unet_block(sd, p + "middle_block", h, emb, context, heads)
    for i in range(count(sd, p + "output_blocks.")):
        h = torch.cat([h, hs.pop()], dim=1)
        h = unet_block(sd, f"{p}output_blocks.{i}", h, emb, context, heads, hs[-1].shape if hs else None)
    return conv(sd, p + "out.2", silu(group_norm(sd, p + "out.0", h, 1e-5)))


def interpolate(x, opt):
    """torch.nn.functional.interpolate as ComfyUI's common_upscale calls it (size given, align_corners unset)."""
    return F.interpolate(x, size=(opt["height"], opt["width"]), mode=opt["mode"])


def lora_merge(sd, opt):
    """Checkpoint weights with LoRAs added: W + strength * (alpha / rank) * (up @ down) in float32, where a LoCon mid
    tensor makes the 1x1 down and the k x k mid one convolution: down'[j, i, y, x] = sum_k mid[j, k, y, x] * down[k, i].
    opt: {"loras": [{"path", "strength", "map": {stem: [checkpoint key, up suffix, down suffix]}}]}; returns the touched weights."""
    out = {}
    for lora in opt["loras"]:
        lsd = read_safetensors(lora["path"])
        for stem, (key, up_suffix, down_suffix) in lora["map"].items():
            w = out[key] if key in out else sd[key].float().clone()
            up, down = lsd[stem + up_suffix], lsd[stem + down_suffix]
            mid = lsd.get(stem + ".lora_mid.weight")
            alpha = lsd.get(stem + ".alpha")
            scale = alpha.item() / down.shape[0] if alpha is not None else 1.0
            d = torch.einsum("jkyx,ki->jiyx", mid, down.flatten(1)) if mid is not None else down
            delta = (up.flatten(1).double() @ d.flatten(1).double()).float().reshape(w.shape)
            out[key] = w + lora["strength"] * scale * delta
    return out


def taesd_decode(sd, z):
    """The TAESD decoder as published (tanh clamp, conv, three stages of three blocks + nearest 2x + bias-free conv, a block,
    conv), then ComfyUI's preview mapping: (y - 0.5) * 2, then preview_bytes."""
    def c(key, x):
        return F.conv2d(x, sd[key + ".weight"], sd.get(key + ".bias"), padding=1)

    def block(n, x):
        h = F.relu(c(f"{n}.conv.0", x))
        h = F.relu(c(f"{n}.conv.2", h))
        return F.relu(c(f"{n}.conv.4", h) + x)

    h = F.relu(c("1", torch.tanh(z / 3) * 3))
    n = 3
    for _ in range(3):
        for _ in range(3):
            h = block(n, h)
            n += 1
        h = c(str(n + 1), F.interpolate(h, scale_factor=2))
        n += 2
    h = c(str(n + 1), block(n, h))
    x = h.sub(0.5).mul(2)
    return preview_bytes(x).permute(0, 2, 3, 1)


def latent2rgb(z):
    factors = torch.tensor([[0.3512, 0.2297, 0.3227], [0.3250, 0.4974, 0.2350],
                            [-0.2829, 0.1762, 0.2721], [-0.2120, -0.2616, -0.7177]]).transpose(0, 1)
    image = F.linear(z[0].movedim(0, -1), factors)
    return preview_bytes(image)


def preview_bytes(x):
    """ComfyUI's preview_to_image: clamp to -1..1, (x + 1) * 127.5, round (half to even), then uint8."""
    return x.clamp(-1.0, 1.0).add(1.0).mul(127.5).round().to(torch.uint8).float()


MODELS = {
    "lora_merge": lambda sd, inputs, opt: lora_merge(sd, opt),
    "taesd": lambda sd, inputs, opt: {"rgb": taesd_decode(sd, inputs["latent"])},
    "latent2rgb": lambda sd, inputs, opt: {"rgb": latent2rgb(inputs["latent"])},
    "randn": lambda sd, inputs, opt: {"noise": torch.randn(opt["shape"], generator=torch.manual_seed(opt["seed"]))},
    "interpolate": lambda sd, inputs, opt: {"out": interpolate(inputs["x"], opt)},
    "unet": lambda sd, inputs, opt: {"out": unet(sd, inputs["x"], inputs["timesteps"], inputs["context"], opt)},
    "clip": lambda sd, inputs, opt: {"hidden": clip(sd, inputs["embeds"], opt)},
    "vae_decode": lambda sd, inputs, opt: {"image": vae_decode(sd, inputs["latent"], opt)},
    "vae_encode": lambda sd, inputs, opt: {"latent": vae_encode(sd, inputs["image"], opt)},
}


def main():
    model, checkpoint, inputs, outputs, options = sys.argv[1:6]
    torch.set_grad_enabled(False)
    sd = {} if checkpoint == "-" else read_safetensors(checkpoint)
    write_safetensors(outputs, MODELS[model](sd, read_safetensors(inputs), json.loads(options)))


if __name__ == "__main__":
    main()
