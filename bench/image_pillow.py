"""Pillow's side of ImageBenchmarks (same image recipe, same operations, as ComfyUI runs them). Run with /usr/bin/python3."""
import io
import time

import numpy as np
from PIL import Image

rng = np.random.default_rng(1)
p = np.arange(1024 * 1024)
x, y = p % 1024, p // 1024
img = np.stack([(x + y * (c + 1)) / 3072.0 for c in range(3)], -1).reshape(1024, 1024, 3)
img = np.clip(img + rng.random(img.shape) * 0.05, 0, 1).astype(np.float32)
half = Image.fromarray(np.clip(255. * img[::2, ::2], 0, 255).astype(np.uint8))


def bench(name, fn, n=20):
    fn()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    print(f"{name}: {(time.perf_counter() - start) / n * 1000:.2f} ms")


def save():
    buf = io.BytesIO()
    Image.fromarray(np.clip(255. * img, 0, 255).astype(np.uint8)).save(buf, format="PNG", compress_level=4)
    return buf.getvalue()


png = save()


def decode():
    return np.array(Image.open(io.BytesIO(png)).convert("RGB")).astype(np.float32) / 255.0


def preview():
    buf = io.BytesIO()
    half.save(buf, format="JPEG", quality=95)


def quantize():
    # ComfyUI's ImageQuantize on one image: palette by median cut, then the mapping with Floyd-Steinberg, back to floats.
    im = Image.fromarray((img * 255).astype(np.uint8), mode="RGB")
    palette = im.quantize(colors=256)
    out = im.quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG)
    return np.array(out.convert("RGB")).astype(np.float32) / 255


bench("SavePng", save)
bench("DecodePng", decode)
bench("Lanczos512To1024", lambda: half.resize((1024, 1024), resample=Image.Resampling.LANCZOS))
bench("PreviewJpeg512", preview)
bench("Quantize256FloydSteinberg", quantize)
