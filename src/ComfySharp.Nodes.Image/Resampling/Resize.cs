using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Resampling;

/// <summary>
/// ComfyUI's <c>common_upscale</c> on channel-last tensors ([B,H,W,C] images, or [B,H,W] masks as C = 1): the optional centre crop,
/// then <c>torch.nn.functional.interpolate</c> (nearest-exact, bilinear and bicubic with align_corners=False, area) or Pillow's
/// 8-bit LANCZOS for <c>lanczos</c>.
/// </summary>
public static class Resize
{
    public static readonly IReadOnlyList<string> Methods = ["nearest-exact", "bilinear", "area", "bicubic", "lanczos"];
    public static readonly IReadOnlyList<string> CropMethods = ["disabled", "center"];

    /// <summary>Resizes an IMAGE [B,H,W,C] to width×height.</summary>
    public static Tensor Image(Tensor image, int width, int height, string method, string crop)
    {
        var (b, h, w, c) = ImageTensors.ImageShape(image);
        return new Tensor([b, height, width, c], Run(image.Span, b, h, w, c, width, height, method, crop));
    }

    /// <summary>Resizes a MASK [B,H,W] to width×height.</summary>
    public static Tensor Mask(Tensor mask, int width, int height, string method, string crop = "disabled")
    {
        var m = ImageTensors.AsMaskBatch(mask);
        var (b, h, w) = (m.Shape[0], m.Shape[1], m.Shape[2]);
        return new Tensor([b, height, width], Run(m.Span, b, h, w, 1, width, height, method, crop));
    }

    private static float[] Run(ReadOnlySpan<float> source, int b, int h, int w, int c, int width, int height, string method, string crop)
    {
        if (width <= 0 || height <= 0) throw new InvalidOperationException($"Cannot resize to {width}x{height}.");
        var (x0, y0, cw, ch) = (0, 0, w, h);
        if (crop == "center")
        {
            // common_upscale: trim the longer side so the aspect matches the target, Python's round() on the margin.
            var oldAspect = (double)w / h;
            var newAspect = (double)width / height;
            if (oldAspect > newAspect) x0 = (int)Math.Round((w - w * (newAspect / oldAspect)) / 2, MidpointRounding.ToEven);
            else if (oldAspect < newAspect) y0 = (int)Math.Round((h - h * (oldAspect / newAspect)) / 2, MidpointRounding.ToEven);
            (cw, ch) = (w - x0 * 2, h - y0 * 2);
        }
        else if (crop != "disabled")
        {
            throw new InvalidOperationException($"Unknown crop method '{crop}'.");
        }
        var output = new float[checked(b * height * width * c)];
        var plane = cw != w || ch != h ? new float[ch * cw * c] : [];
        for (var n = 0; n < b; n++)
        {
            // The (cropped) item as its own contiguous [h', w', c] block; uncropped items are one already.
            var item = source.Slice(n * h * w * c, h * w * c);
            ReadOnlySpan<float> planeSpan = item;
            if (cw != w || ch != h)
            {
                for (var y = 0; y < ch; y++) item.Slice(((y + y0) * w + x0) * c, cw * c).CopyTo(plane.AsSpan(y * cw * c, cw * c));
                planeSpan = plane;
            }
            var target = output.AsSpan(n * height * width * c, height * width * c);
            switch (method)
            {
                case "nearest-exact":
                    Nearest(planeSpan, ch, cw, c, target, height, width);
                    break;
                case "bilinear":
                    Separable(planeSpan, ch, cw, c, target, height, width, Kernels.Bilinear);
                    break;
                case "bicubic":
                    Separable(planeSpan, ch, cw, c, target, height, width, Kernels.Bicubic);
                    break;
                case "area":
                    Separable(planeSpan, ch, cw, c, target, height, width, Kernels.Area);
                    break;
                case "lanczos":
                    PillowResample.Lanczos(planeSpan, ch, cw, c, target, height, width);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown upscale method '{method}'.");
            }
        }
        return output;
    }

    /// <summary>torch's nearest-exact: source index floor((dst + 0.5) · in/out), clamped.</summary>
    private static void Nearest(ReadOnlySpan<float> src, int h, int w, int c, Span<float> dst, int height, int width)
    {
        var sy = (float)h / height;
        var sx = (float)w / width;
        for (var y = 0; y < height; y++)
        {
            var iy = Math.Min((int)MathF.Floor((y + 0.5f) * sy), h - 1);
            for (var x = 0; x < width; x++)
            {
                var ix = Math.Min((int)MathF.Floor((x + 0.5f) * sx), w - 1);
                src.Slice((iy * w + ix) * c, c).CopyTo(dst.Slice((y * width + x) * c, c));
            }
        }
    }

    /// <summary>Rows then columns with per-output-index weights (bilinear, bicubic and area are separable).</summary>
    private static void Separable(ReadOnlySpan<float> src, int h, int w, int c, Span<float> dst, int height, int width, Func<int, int, Kernels.Weights> kernel)
    {
        var horizontal = kernel(w, width);
        var vertical = kernel(h, height);
        var rows = new float[h * width * c];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var k = horizontal.Coefficients.AsSpan(x * horizontal.Size, horizontal.Size);
                for (var ch = 0; ch < c; ch++)
                {
                    var sum = 0f;
                    for (var i = 0; i < k.Length; i++)
                    {
                        if (k[i] != 0) sum += k[i] * src[(y * w + horizontal.Index[x * horizontal.Size + i]) * c + ch];
                    }
                    rows[(y * width + x) * c + ch] = sum;
                }
            }
        }
        for (var y = 0; y < height; y++)
        {
            var k = vertical.Coefficients.AsSpan(y * vertical.Size, vertical.Size);
            for (var x = 0; x < width; x++)
            {
                for (var ch = 0; ch < c; ch++)
                {
                    var sum = 0f;
                    for (var i = 0; i < k.Length; i++)
                    {
                        if (k[i] != 0) sum += k[i] * rows[(vertical.Index[y * vertical.Size + i] * width + x) * c + ch];
                    }
                    dst[(y * width + x) * c + ch] = sum;
                }
            }
        }
    }
}
