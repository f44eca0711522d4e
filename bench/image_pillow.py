"""Pillow's side of ImageBenchmarks (same image recipe, same operations, as ComfyUI runs them). Run with /usr/bin/python3.
Single-threaded like the C# side: Pillow's codecs and resampling and numpy's element-wise work use one thread."""
import io
import time

import numpy as np
import torch
from PIL import Image, ImageOps

torch.set_num_threads(1)

rng = np.random.default_rng(1)
p = np.arange(1024 * 1024)
x, y = p % 1024, p // 1024
img = np.stack([(x + y * (c + 1)) / 3072.0 for c in range(3)], -1).reshape(1024, 1024, 3)
img = np.clip(img + rng.random(img.shape) * 0.05, 0, 1).astype(np.float32)
half = Image.fromarray(np.clip(255. * img[::2, ::2], 0, 255).astype(np.uint8))
latent = Image.fromarray(np.clip(255. * img[::16, ::16], 0, 255).astype(np.uint8))
half_tensor = torch.from_numpy(np.ascontiguousarray(img[::2, ::2]))[None].movedim(-1, 1)
image_tensor = torch.from_numpy(img)[None]


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


def send_image(pil):
    # server.py send_image: ImageOps.contain to the preview size with BILINEAR, then JPEG quality 95.
    buf = io.BytesIO()
    ImageOps.contain(pil, (512, 512), Image.Resampling.BILINEAR).save(buf, format="JPEG", quality=95)
    return buf.getvalue()


def preview_image():
    # An IMAGE's frame: ComfyUI's float -> uint8 conversion, then send_image.
    return send_image(Image.fromarray(np.clip(255. * image_tensor[0].numpy(), 0, 255).astype(np.uint8)))


def comfy_lanczos():
    # comfy.utils.lanczos on the [1, 3, 512, 512] tensor, as ImageScale calls it.
    images = [Image.fromarray(np.clip(255. * i.movedim(0, -1).numpy(), 0, 255).astype(np.uint8)) for i in half_tensor]
    images = [i.resize((1024, 1024), resample=Image.Resampling.LANCZOS) for i in images]
    return torch.stack([torch.from_numpy(np.array(i).astype(np.float32) / 255.0).movedim(-1, 0) for i in images])


def quantize():
    # ComfyUI's ImageQuantize on one image: palette by median cut, then the mapping with Floyd-Steinberg, back to floats.
    im = Image.fromarray((img * 255).astype(np.uint8), mode="RGB")
    palette = im.quantize(colors=256)
    out = im.quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG)
    return np.array(out.convert("RGB")).astype(np.float32) / 255


bench("SavePng", save)
bench("DecodePng", decode)
bench("Lanczos512To1024 (resize only)", lambda: half.resize((1024, 1024), resample=Image.Resampling.LANCZOS))
bench("Lanczos512To1024 (comfy.utils.lanczos, with tensor conversions)", comfy_lanczos)
bench("PreviewJpeg512", preview)
bench("PreviewFrameLatent64", lambda: send_image(latent))
bench("PreviewFrameImage1024", preview_image)
bench("Quantize256FloydSteinberg", quantize)
