"""Independent reference outputs for the image tests, computed with Pillow, numpy and torch (Debian's python3-pil,
python3-numpy, python3-torch). Each command reads its inputs from files and writes float32 little-endian arrays or JSON.

  load IMAGE OUT_PREFIX             ComfyUI's LoadImage pipeline -> OUT_PREFIX.image.f32, OUT_PREFIX.mask.f32, JSON shapes on stdout
  text PNG                          the PNG's text chunks as JSON
  info FILE                         format, mode and size as JSON
  make KIND OUT                     writes a fixture image made with Pillow (see make())
  upscale IN B H W C METHOD WIDTH HEIGHT CROP OUT   common_upscale on an IMAGE [B,H,W,C]
"""
import json
import sys

import numpy as np
from PIL import Image, ImageOps, ImageSequence, PngImagePlugin


def load(path, prefix):
    img = Image.open(path)
    images, masks = [], []
    w = h = None
    for frame in ImageSequence.Iterator(img):
        frame = ImageOps.exif_transpose(frame)
        if frame.mode == 'I':
            frame = frame.point(lambda v: v * (1 / 255))
        rgb = frame.convert("RGB")
        if not images:
            w, h = rgb.size
        if rgb.size != (w, h):
            continue
        images.append(np.array(rgb).astype(np.float32) / 255.0)
        if 'A' in frame.getbands():
            masks.append(1.0 - np.array(frame.getchannel('A')).astype(np.float32) / 255.0)
        elif frame.mode == 'P' and 'transparency' in frame.info:
            masks.append(1.0 - np.array(frame.convert('RGBA').getchannel('A')).astype(np.float32) / 255.0)
        else:
            masks.append(np.zeros((64, 64), dtype=np.float32))
    if len(images) > 1 and img.format != 'MPO':
        image, mask = np.stack(images), np.stack(masks)
    else:
        image, mask = images[0][None], masks[0][None]
    image.astype('<f4').tofile(prefix + ".image.f32")
    mask.astype('<f4').tofile(prefix + ".mask.f32")
    print(json.dumps({"image": list(image.shape), "mask": list(mask.shape), "format": img.format}))


def make(kind, out):
    rng = np.random.default_rng(7)
    if kind == "gray16":
        a = (rng.integers(0, 65536, size=(5, 7))).astype(np.uint16)
        a[0, 0], a[0, 1], a[0, 2] = 0, 65535, 65024
        _save_gray16(a, out)
    elif kind == "rgb16":
        _save_rgb16(rng.integers(0, 65536, size=(4, 6, 3)).astype(np.uint16), out, alpha=False)
    elif kind == "rgba16":
        _save_rgb16(rng.integers(0, 65536, size=(4, 6, 4)).astype(np.uint16), out, alpha=True)
    elif kind.startswith("exif"):
        orientation = int(kind[4:])
        a = rng.integers(0, 256, size=(4, 6, 3)).astype(np.uint8)
        a = np.repeat(np.repeat(a, 8, axis=0), 8, axis=1)  # 32x48 blocks survive JPEG
        exif = Image.Exif()
        exif[0x0112] = orientation
        Image.fromarray(a).save(out, format="PNG" if out.endswith(".png") else "JPEG", exif=exif.tobytes(), quality=100)
    elif kind == "gif":
        frames = [Image.fromarray(np.full((6, 5, 3), c, dtype=np.uint8)) for c in (10, 120, 250)]
        frames[0].save(out, save_all=True, append_images=frames[1:], duration=50, loop=0)
    elif kind == "palette_transparent":
        p = Image.new("P", (5, 4))
        p.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 759)
        p.putdata([0, 1, 2, 1, 0] * 4)
        p.save(out, transparency=1)
    elif kind == "la":
        a = rng.integers(0, 256, size=(3, 4, 2)).astype(np.uint8)
        Image.fromarray(a, mode="LA").save(out)
    else:
        raise SystemExit("unknown kind " + kind)


def _save_gray16(a, out):
    raw = b"".join(b"\x00" + row.astype(">u2").tobytes() for row in a)
    _write_png(out, a.shape[1], a.shape[0], 16, 0, raw)


def _save_rgb16(a, out, alpha):
    raw = b"".join(b"\x00" + row.astype(">u2").tobytes() for row in a)
    _write_png(out, a.shape[1], a.shape[0], 16, 6 if alpha else 2, raw)


def _write_png(out, width, height, depth, color, raw):
    import zlib, struct
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    open(out, "wb").write(data)


def upscale(path, b, h, w, c, method, width, height, crop, out):
    import torch
    x = torch.from_numpy(np.fromfile(path, dtype='<f4').reshape(b, h, w, c)).movedim(-1, 1)
    if crop == "center":
        old_aspect, new_aspect = w / h, width / height
        ox = oy = 0
        if old_aspect > new_aspect:
            ox = round((w - w * (new_aspect / old_aspect)) / 2)
        elif old_aspect < new_aspect:
            oy = round((h - h * (old_aspect / new_aspect)) / 2)
        x = x.narrow(-2, oy, h - oy * 2).narrow(-1, ox, w - ox * 2)
    if method == "lanczos":
        imgs = [Image.fromarray(np.clip(255. * i.movedim(0, -1).numpy(), 0, 255).astype(np.uint8)) for i in x]
        imgs = [i.resize((width, height), resample=Image.Resampling.LANCZOS) for i in imgs]
        y = torch.stack([torch.from_numpy(np.array(i).astype(np.float32) / 255.0).movedim(-1, 0) for i in imgs])
    else:
        y = torch.nn.functional.interpolate(x, size=(height, width), mode=method)
    y.movedim(1, -1).contiguous().numpy().astype('<f4').tofile(out)


def main(argv):
    cmd = argv[0]
    if cmd == "load":
        load(argv[1], argv[2])
    elif cmd == "text":
        print(json.dumps(dict(Image.open(argv[1]).text)))
    elif cmd == "info":
        img = Image.open(argv[1])
        print(json.dumps({"format": img.format, "mode": img.mode, "size": list(img.size), "n_frames": getattr(img, "n_frames", 1)}))
    elif cmd == "make":
        make(argv[1], argv[2])
    elif cmd == "upscale":
        b, h, w, c = map(int, argv[2:6])
        upscale(argv[1], b, h, w, c, argv[6], int(argv[7]), int(argv[8]), argv[9], argv[10])
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
