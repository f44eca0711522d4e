"""ComfyUI's ImageQuantize on one RGB image, computed with Debian's Pillow, numpy and torch.

  quantize.py IN WIDTH HEIGHT COLORS DITHERS OUT   IN: raw 8-bit RGB rows; for each comma-separated colour count and dither
                                                  writes OUT.COLORS.DITHER.rgb and prints the palette sizes as JSON
  quantize.py image KIND WIDTH HEIGHT OUT          writes a test image as raw 8-bit RGB rows (gradient, noise, photo)

ComfyUI takes a median-cut palette with im.quantize(colors) and maps the image to it with im.quantize(palette=…, dither=…),
or adds its Bayer matrix first and maps without dither. Pillow 10.1 and later keep only the colours the median cut found in
that palette; Debian's 9.4 pads it to 256 entries with black. The padding is cut here so that the reference is what a
ComfyUI user with a current Pillow gets: the median cut yields min(colors, distinct colours) entries, where colours are
counted after dropping low bits until at most 65536 remain (Quant.c).
"""
import json
import math
import sys

import numpy as np
from PIL import Image


def palette_size(a, colors):
    flat = a.reshape(-1, 3).astype(np.int64)
    for scale in range(8):
        s = flat >> scale
        distinct = np.unique((s[:, 0] << 16) | (s[:, 1] << 8) | s[:, 2]).size
        if distinct <= 65536:
            return min(colors, distinct)
    raise AssertionError("unreachable")


def bayer_offsets(order, n):
    m = np.zeros((1, 1), "float32")
    for level in range(1, int(math.log2(order)) + 1):
        q = 4 ** level
        s = q * m
        m = np.bmat(((s - 1.5, s + 0.5), (s + 1.5, s - 0.5))) / q
    return np.asarray((2 * 256 / n) * m + 0.5)


def quantize(a, colors, dither):
    import torch
    im = Image.fromarray(a, mode="RGB")
    pal_im = im.quantize(colors=colors)
    n = palette_size(a, colors)
    pal_im.putpalette(pal_im.im.getpalette("RGB", "RGB")[: n * 3])
    if dither == "none":
        out = im.quantize(palette=pal_im, dither=Image.Dither.NONE)
    elif dither == "floyd-steinberg":
        out = im.quantize(palette=pal_im, dither=Image.Dither.FLOYDSTEINBERG)
    else:
        order = int(dither.split("-")[1])
        offsets = torch.from_numpy(bayer_offsets(order, len(pal_im.getpalette()) // 3))
        x = torch.from_numpy(a.astype(np.float32))
        tiled = offsets.tile(math.ceil(x.shape[0] / order), math.ceil(x.shape[1] / order)).unsqueeze(-1)
        x = (x + tiled[: x.shape[0], : x.shape[1]]).clamp(0, 255).to(torch.uint8)
        out = Image.fromarray(x.numpy()).quantize(palette=pal_im, dither=Image.Dither.NONE)
    return np.array(out.convert("RGB")), n


def image(kind, w, h):
    rng = np.random.default_rng(11)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    if kind == "gradient":
        a = np.stack([x / max(w - 1, 1) * 255, y / max(h - 1, 1) * 255, (x + y) / max(w + h - 2, 1) * 255], -1)
    elif kind == "noise":
        a = rng.integers(0, 256, size=(h, w, 3))
    elif kind == "photo":
        # Smooth shapes with soft light and a little grain, like a downscaled photograph.
        sky = np.stack([90 + 60 * y / h, 140 + 50 * y / h, 230 - 40 * y / h], -1)
        d = np.sqrt((x - w * 0.6) ** 2 + (y - h * 0.7) ** 2) / (0.35 * min(w, h))
        ball = np.clip(1 - d, 0, 1)[..., None] * np.array([150, 60, -120])
        a = sky + ball + rng.normal(0, 4, size=(h, w, 3))
    else:
        raise SystemExit("unknown image " + kind)
    return np.clip(np.round(a), 0, 255).astype(np.uint8)


def main(argv):
    if argv[0] == "image":
        w, h = int(argv[2]), int(argv[3])
        open(argv[4], "wb").write(image(argv[1], w, h).tobytes())
        return
    w, h = int(argv[1]), int(argv[2])
    a = np.frombuffer(open(argv[0], "rb").read(), dtype=np.uint8).reshape(h, w, 3)
    sizes = {}
    for colors in map(int, argv[3].split(",")):
        for dither in argv[4].split(","):
            out, sizes[colors] = quantize(a, colors, dither)
            open("{}.{}.{}.rgb".format(argv[5], colors, dither), "wb").write(out.tobytes())
    print(json.dumps(sizes))


if __name__ == "__main__":
    main(sys.argv[1:])
