"""Independent reference outputs for the image tests, computed with Pillow, numpy and torch (Debian's python3-pil,
python3-numpy, python3-torch). Each command reads its inputs from files and writes float32 little-endian arrays or JSON.

  load IMAGE OUT_PREFIX             ComfyUI's LoadImage pipeline -> OUT_PREFIX.image.f32, OUT_PREFIX.mask.f32, JSON shapes on stdout
  loadmask IMAGE CHANNEL OUT        ComfyUI's LoadImageMask -> OUT (float32), JSON shape on stdout
  chain IMAGE W H CW CH CX CY OUT   LoadImage, ImageScale lanczos/center, ImageCrop, ImageInvert: SaveImage's RGB bytes to OUT
  jpegtables Q OUT                  a Pillow JPEG of quality Q: its DQT segments and SOF0 (hex) as JSON
  decode FILE OUT                   the image as RGB bytes to OUT; format, mode and size as JSON
  jpegroundtrip RGB W H Q OUT       raw RGB saved by Pillow as JPEG quality Q and decoded again, to OUT
  text PNG                          the PNG's text chunks as JSON
  info FILE                         format, mode and size as JSON
  frames FILE OUT                   every frame as 8-bit RGBA appended to OUT; JSON: format, size, durations, EXIF, comf chunks
  contain PNG MAX OUT               ImageOps.contain(img, (MAX, MAX), BILINEAR) as the server's previews: RGB bytes to OUT, size as JSON
  make KIND OUT                     writes a fixture image made with Pillow (see make())
  upscale IN B H W C METHOD WIDTH HEIGHT CROP OUT   common_upscale on an IMAGE [B,H,W,C]
"""
import io
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


def load_mask(path, channel, out):
    """ComfyUI's LoadImageMask: the first frame, EXIF-rotated, one channel (alpha inverted), or a 64x64 zero mask."""
    i = ImageOps.exif_transpose(Image.open(path))
    if i.getbands() != ("R", "G", "B", "A"):
        if i.mode == 'I':
            i = i.point(lambda v: v * (1 / 255))
        i = i.convert("RGBA")
    c = channel[0].upper()
    if c in i.getbands():
        mask = np.array(i.getchannel(c)).astype(np.float32) / 255.0
        if c == 'A':
            mask = 1. - mask
    else:
        mask = np.zeros((64, 64), dtype=np.float32)
    mask[None].astype('<f4').tofile(out)
    print(json.dumps([1] + list(mask.shape)))


def chain(path, width, height, crop_w, crop_h, crop_x, crop_y, out):
    """LoadImage -> ImageScale lanczos (crop center) -> ImageCrop -> ImageInvert -> SaveImage's bytes, as ComfyUI computes them."""
    import torch
    img = Image.open(path)
    x = torch.from_numpy(np.array(img.convert("RGB")).astype(np.float32) / 255.0)[None]
    h, w = x.shape[1], x.shape[2]
    old_aspect, new_aspect = w / h, width / height
    ox = oy = 0
    if old_aspect > new_aspect:
        ox = round((w - w * (new_aspect / old_aspect)) / 2)
    elif old_aspect < new_aspect:
        oy = round((h - h * (old_aspect / new_aspect)) / 2)
    x = x[:, oy:h - oy, ox:w - ox, :]
    pil = Image.fromarray(np.clip(255. * x[0].numpy(), 0, 255).astype(np.uint8)).resize((width, height), resample=Image.Resampling.LANCZOS)
    x = torch.from_numpy(np.array(pil).astype(np.float32) / 255.0)[None]
    crop_x, crop_y = min(crop_x, x.shape[2] - 1), min(crop_y, x.shape[1] - 1)
    x = x[:, crop_y:crop_y + crop_h, crop_x:crop_x + crop_w, :]
    x = 1.0 - x
    saved = np.clip(255. * x[0].numpy(), 0, 255).astype(np.uint8)
    open(out, "wb").write(saved.tobytes())
    print(json.dumps(list(saved.shape)))


def jpeg_tables(quality, out):
    """A JPEG as ComfyUI's server saves a preview (Pillow, quality Q, default subsampling); its DQT tables and SOF0 components as hex."""
    rng = np.random.default_rng(3)
    Image.fromarray(rng.integers(0, 256, size=(24, 40, 3)).astype(np.uint8)).save(out, format="JPEG", quality=quality)
    print(json.dumps(_jpeg_segments(open(out, "rb").read())))


def _jpeg_segments(data):
    i, dqt, sof = 2, [], None
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker, n = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        body = data[i + 4:i + 2 + n]
        if marker == 0xDB:
            dqt.append(body.hex())
        elif marker == 0xC0:
            sof = body.hex()
        elif marker == 0xDA:
            break
        i += 2 + n
    return {"dqt": dqt, "sof": sof}


def frames(path, out):
    img = Image.open(path)
    durations = []
    with open(out, "wb") as f:
        for frame in ImageSequence.Iterator(img):
            rgba = frame.convert("RGBA")  # loads the frame; Pillow's WEBP reader sets its duration only then
            durations.append(frame.info.get("duration"))
            f.write(rgba.tobytes())
    exif = {str(k): v for k, v in img.getexif().items()}
    # ComfyUI's APNG metadata: "comf" chunks (keyword NUL json) that Pillow itself skips.
    comf = {}
    data = open(path, "rb").read()
    if data.startswith(b"\x89PNG"):
        i = 8
        while i + 8 <= len(data):
            n = int.from_bytes(data[i:i + 4], "big")
            kind = data[i + 4:i + 8]
            if kind == b"comf":
                key, _, value = data[i + 8:i + 8 + n].partition(b"\0")
                comf[key.decode("latin-1")] = value.decode("latin-1")
            i += 12 + n
    print(json.dumps({"format": img.format, "size": list(img.size), "n_frames": getattr(img, "n_frames", 1),
                      "durations": durations, "exif": exif, "comf": comf}))


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
    elif kind == "apng_rgb":
        # Later frames differ from the first in a block only: Pillow stores them as cropped deltas (fcTL offsets).
        a = rng.integers(0, 256, size=(6, 8, 3)).astype(np.uint8)
        b = a.copy()
        b[2:4, 3:6] = [250, 10, 20]
        c = rng.integers(0, 256, size=(6, 8, 3)).astype(np.uint8)
        frames = [Image.fromarray(x) for x in (a, b, c)]
        frames[0].save(out, save_all=True, append_images=frames[1:], duration=[40, 50, 60], loop=0)
    elif kind == "apng_blend":
        # Translucent RGBA frames blended over the canvas, with background and previous disposal.
        a = rng.integers(0, 256, size=(5, 7, 4)).astype(np.uint8)
        a[..., 3] = rng.integers(100, 256, size=(5, 7))
        b = a.copy()
        b[1:4, 2:5] = [30, 200, 90, 128]
        c = a.copy()
        c[0:2, 0:3] = [200, 40, 220, 60]
        d = rng.integers(0, 256, size=(5, 7, 4)).astype(np.uint8)
        frames = [Image.fromarray(x, mode="RGBA") for x in (a, b, c, d)]
        from PIL import PngImagePlugin as P
        frames[0].save(out, save_all=True, append_images=frames[1:], duration=50, loop=0,
                       blend=[P.Blend.OP_SOURCE, P.Blend.OP_OVER, P.Blend.OP_OVER, P.Blend.OP_SOURCE],
                       disposal=[P.Disposal.OP_NONE, P.Disposal.OP_PREVIOUS, P.Disposal.OP_BACKGROUND, P.Disposal.OP_NONE])
    elif kind == "apng_default":
        # The first image is a default image outside the animation (an IDAT without fcTL), then the animation frames.
        frames = [Image.fromarray(np.full((4, 6, 3), c, dtype=np.uint8)) for c in (30, 90, 160)]
        frames[0].save(out, save_all=True, append_images=frames[1:], default_image=True, duration=30)
    elif kind == "palette_transparent":
        p = Image.new("P", (5, 4))
        p.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 759)
        p.putdata([0, 1, 2, 1, 0] * 4)
        p.save(out, transparency=1)
    elif kind == "rgb_trns":
        # An RGB PNG with a tRNS colour: Pillow keeps mode RGB (no alpha band), so ComfyUI's LoadImage gives the 64x64 zero mask.
        a = rng.integers(0, 4, size=(4, 5, 3)).astype(np.uint8) * 60
        a[0, 0] = [60, 120, 0]
        Image.fromarray(a).save(out, transparency=(60, 120, 0))
    elif kind == "l_trns":
        a = rng.integers(0, 4, size=(4, 5)).astype(np.uint8) * 60
        Image.fromarray(a, mode="L").save(out, transparency=120)
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


def _gaussian(size, sigma):
    import torch
    x, y = torch.meshgrid(torch.linspace(-1, 1, size), torch.linspace(-1, 1, size), indexing="ij")
    d = torch.sqrt(x * x + y * y)
    g = torch.exp(-(d * d) / (2.0 * sigma * sigma))
    return g / g.sum()


def _filter(image, kernel, r):
    import torch.nn.functional as F
    c = image.shape[-1]
    k = kernel.repeat(c, 1, 1).unsqueeze(1)
    x = F.pad(image.permute(0, 3, 1, 2), (r, r, r, r), 'reflect')
    return F.conv2d(x, k, padding=kernel.shape[0] // 2, groups=c)[:, :, r:-r, r:-r].permute(0, 2, 3, 1)


def op(name, params, tensors):
    """ComfyUI's node formulas restated in torch (nodes.py, comfy_extras/nodes_post_processing.py, nodes_mask.py)."""
    import torch
    p = params
    if name == "ImageBlur":
        return _filter(tensors[0], _gaussian(p["blur_radius"] * 2 + 1, p["sigma"]), p["blur_radius"])
    if name == "ImageSharpen":
        r = p["sharpen_radius"]
        k = _gaussian(r * 2 + 1, p["sigma"]) * -(p["alpha"] * 10)
        k[r, r] = k[r, r] - k.sum() + 1.0
        return torch.clamp(_filter(tensors[0], k, r), 0, 1)
    if name == "ImageBlend":
        a, b, f = tensors[0], tensors[1], p["blend_factor"]
        m = p["blend_mode"]
        g = lambda x: torch.where(x <= 0.25, ((16 * x - 12) * x + 4) * x, torch.sqrt(x))
        blended = {"normal": lambda: b, "multiply": lambda: a * b, "screen": lambda: 1 - (1 - a) * (1 - b),
                   "overlay": lambda: torch.where(a <= 0.5, 2 * a * b, 1 - 2 * (1 - a) * (1 - b)),
                   "soft_light": lambda: torch.where(b <= 0.5, a - (1 - 2 * b) * a * (1 - a), a + (2 * b - 1) * (g(a) - a)),
                   "difference": lambda: a - b}[m]()
        return torch.clamp(a * (1 - f) + blended * f, 0, 1)
    if name == "ImageCompositeMasked":
        dest, src = tensors[0].clone().movedim(-1, 1), tensors[1].movedim(-1, 1)
        mask = tensors[2] if len(tensors) > 2 else None
        x, y = p["x"], p["y"]
        if p["resize_source"]:
            src = torch.nn.functional.interpolate(src, size=(dest.shape[-2], dest.shape[-1]), mode="bilinear")
        left, top = x, y
        right, bottom = left + src.shape[-1], top + src.shape[-2]
        if mask is None:
            mask = torch.ones_like(src)
        else:
            mask = torch.nn.functional.interpolate(mask.reshape((-1, 1, mask.shape[-2], mask.shape[-1])), size=(src.shape[-2], src.shape[-1]), mode="bilinear")
        vw, vh = dest.shape[-1] - left, dest.shape[-2] - top
        mask = mask[:, :, :vh, :vw]
        dest[..., top:bottom, left:right] = mask * src[..., :vh, :vw] + (1 - mask) * dest[..., top:bottom, left:right]
        return dest.movedim(1, -1)
    if name == "ImagePadForOutpaint":
        img = tensors[0]
        d1, d2, d3, d4 = img.shape
        l, t, r, b, fe = p["left"], p["top"], p["right"], p["bottom"], p["feathering"]
        out = torch.ones((d1, d2 + t + b, d3 + l + r, d4)) * 0.5
        out[:, t:t + d2, l:l + d3, :] = img
        mask = torch.ones((d2 + t + b, d3 + l + r))
        tt = torch.zeros((d2, d3))
        if fe > 0 and fe * 2 < d2 and fe * 2 < d3:
            for i in range(d2):
                for j in range(d3):
                    d = min(i if t != 0 else d2, d2 - i if b != 0 else d2, j if l != 0 else d3, d3 - j if r != 0 else d3)
                    if d < fe:
                        v = (fe - d) / fe
                        tt[i, j] = v * v
        mask[t:t + d2, l:l + d3] = tt
        return [out, mask.unsqueeze(0)]
    if name == "MaskComposite":
        out = tensors[0].clone()
        src = tensors[1]
        x, y = p["x"], p["y"]
        right, bottom = min(x + src.shape[-1], out.shape[-1]), min(y + src.shape[-2], out.shape[-2])
        s = src[:, :bottom - y, :right - x]
        d = out[:, y:bottom, x:right]
        o = p["operation"]
        r = {"multiply": lambda: d * s, "add": lambda: d + s, "subtract": lambda: d - s,
             "and": lambda: torch.bitwise_and(d.round().bool(), s.round().bool()).float(),
             "or": lambda: torch.bitwise_or(d.round().bool(), s.round().bool()).float(),
             "xor": lambda: torch.bitwise_xor(d.round().bool(), s.round().bool()).float()}[o]()
        out[:, y:bottom, x:right] = r
        return torch.clamp(out, 0.0, 1.0)
    if name == "FeatherMask":
        out = tensors[0].clone()
        l, t, r, b = min(p["left"], out.shape[-1]), min(p["top"], out.shape[-2]), min(p["right"], out.shape[-1]), min(p["bottom"], out.shape[-2])
        for x in range(l):
            out[:, :, x] *= (x + 1.0) / l
        for x in range(r):
            out[:, :, -x] *= (x + 1) / r
        for y in range(t):
            out[:, y, :] *= (y + 1) / t
        for y in range(b):
            out[:, -y, :] *= (y + 1) / b
        return out
    if name == "GrowMask":
        # Grey dilation/erosion with a 3x3 footprint and edge-repeating border, written with numpy only.
        m = tensors[0].numpy().copy()
        c = 0 if p["tapered_corners"] else 1
        foot = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if c or dy == 0 or dx == 0]
        for _ in range(abs(p["expand"])):
            padded = np.pad(m, ((0, 0), (1, 1), (1, 1)), mode="edge")
            h, w = m.shape[1:]
            stack = np.stack([padded[:, 1 + dy:1 + dy + h, 1 + dx:1 + dx + w] for dy, dx in foot])
            m = stack.max(0) if p["expand"] > 0 else stack.min(0)
        return torch.from_numpy(m)
    raise SystemExit("unknown op " + name)


def main(argv):
    cmd = argv[0]
    if cmd == "load":
        load(argv[1], argv[2])
    elif cmd == "chain":
        chain(argv[1], *map(int, argv[2:8]), argv[8])
    elif cmd == "jpegtables":
        jpeg_tables(int(argv[1]), argv[2])
    elif cmd == "decode":
        img = Image.open(argv[1])
        img.load()
        open(argv[2], "wb").write(img.convert("RGB").tobytes())
        print(json.dumps({"format": img.format, "mode": img.mode, "size": list(img.size)}))
    elif cmd == "jpegroundtrip":
        w, h, q = int(argv[2]), int(argv[3]), int(argv[4])
        img = Image.frombytes("RGB", (w, h), open(argv[1], "rb").read())
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=q)
        open(argv[5], "wb").write(Image.open(buf).convert("RGB").tobytes())
    elif cmd == "loadmask":
        load_mask(argv[1], argv[2], argv[3])
    elif cmd == "text":
        print(json.dumps(dict(Image.open(argv[1]).text)))
    elif cmd == "info":
        img = Image.open(argv[1])
        print(json.dumps({"format": img.format, "mode": img.mode, "size": list(img.size), "n_frames": getattr(img, "n_frames", 1)}))
    elif cmd == "frames":
        frames(argv[1], argv[2])
    elif cmd == "contain":
        size = int(argv[2])
        img = ImageOps.contain(Image.open(argv[1]).convert("RGB"), (size, size), Image.Resampling.BILINEAR)
        open(argv[3], "wb").write(img.tobytes())
        print(json.dumps(list(img.size)))
    elif cmd == "make":
        make(argv[1], argv[2])
    elif cmd == "op":
        import torch
        spec = json.load(open(argv[1]))
        tensors = [torch.from_numpy(np.fromfile(t["path"], dtype='<f4').reshape(t["shape"])) for t in spec["inputs"]]
        outs = op(spec["name"], spec["params"], tensors)
        outs = outs if isinstance(outs, list) else [outs]
        for i, o in enumerate(outs):
            o.contiguous().numpy().astype('<f4').tofile("{}.{}.f32".format(spec["out"], i))
        print(json.dumps([list(o.shape) for o in outs]))
    elif cmd == "upscale":
        b, h, w, c = map(int, argv[2:6])
        upscale(argv[1], b, h, w, c, argv[6], int(argv[7]), int(argv[8]), argv[9], argv[10])
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
