using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary>
/// <c>VAEEncodeForInpaint</c>, as ComfyUI: the mask is resized (bilinear) to the image, both are centre-cropped to a
/// multiple of the VAE's factor, the masked pixels are set to grey (0.5) before encoding, and the noise mask is the rounded
/// mask grown by <c>grow_mask_by</c> pixels (a box filter of that size, clamped to 1, rounded).
/// </summary>
internal sealed class VAEEncodeForInpaint : INode
{
    public static NodeSchema Schema { get; } = new("VAEEncodeForInpaint", "latent/inpaint")
    {
        DisplayName = "VAE Encode (for Inpainting)",
        Inputs =
        [
            Input.Of("pixels", "IMAGE"),
            DiffusionTypes.In("vae", DiffusionTypes.Vae),
            Input.Of("mask", "MASK"),
            Input.Int("grow_mask_by", 6, min: 0, max: 64, step: 1),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Latent)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var pixels = args.Get<Tensor>("pixels");
        var vae = args.Get<SdVae>("vae");
        var grow = (int)args.Int("grow_mask_by");
        if (pixels.Rank != 4 || pixels.Shape[3] < 3) throw new InvalidOperationException($"pixels must be an IMAGE [B, H, W, C]; got [{string.Join(", ", pixels.Shape)}].");
        int b = pixels.Shape[0], ph = pixels.Shape[1], pw = pixels.Shape[2], pc = pixels.Shape[3], f = vae.Downscale;
        var mask = NoiseMasks.AsBatch(args.Get<Tensor>("mask"));
        if (mask.Shape[2] != ph || mask.Shape[3] != pw) mask = LatentResize.Upscale(mask, pw, ph, "bilinear", "disabled");
        int mb = mask.Shape[0];
        if (mb != 1 && mb != b) throw new InvalidOperationException($"A mask batch of {mb} does not match an image batch of {b}.");

        int h = ph / f * f, w = pw / f * f, oy = ph % f / 2, ox = pw % f / 2;
        if (h == 0 || w == 0) throw new InvalidOperationException($"The image ({pw}×{ph}) is smaller than the VAE's factor {f}.");
        var maskSrc = mask.Span;
        var cropped = new float[mb * h * w];
        for (var n = 0; n < mb; n++)
        {
            for (var y = 0; y < h; y++) maskSrc.Slice(((n * ph) + y + oy) * pw + ox, w).CopyTo(cropped.AsSpan(((n * h) + y) * w, w));
        }

        var image = new float[b * h * w * pc];
        var src = pixels.Span;
        for (var n = 0; n < b; n++)
        {
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var keep = 1f - MathF.Round(cropped[(((n % mb) * h) + y) * w + x], MidpointRounding.ToEven);
                    var s = (((n * ph) + y + oy) * pw + x + ox) * pc;
                    var d = (((n * h) + y) * w + x) * pc;
                    for (var ch = 0; ch < pc; ch++) image[d + ch] = ch < 3 ? ((src[s + ch] - 0.5f) * keep) + 0.5f : src[s + ch];
                }
            }
        }
        var samples = vae.Encode(new Tensor([b, h, w, pc], image), ct);
        var noiseMask = new Tensor([mb, 1, h, w], grow == 0 ? cropped : Grow(cropped, mb, h, w, grow));
        return ValueTask.FromResult(NodeOutput.From(new Latent(samples, noiseMask)));
    }

    /// <summary>round(clamp(box_k ⊛ round(mask), 0, 1)) with torch's conv2d padding ⌈(k−1)/2⌉, cropped back to H×W.</summary>
    private static float[] Grow(float[] mask, int batch, int h, int w, int k)
    {
        var pad = (k - 1 + 1) / 2;
        var result = new float[mask.Length];
        for (var n = 0; n < batch; n++)
        {
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var sum = 0f;
                    for (var dy = 0; dy < k; dy++)
                    {
                        var sy = y - pad + dy;
                        if ((uint)sy >= (uint)h) continue;
                        for (var dx = 0; dx < k; dx++)
                        {
                            var sx = x - pad + dx;
                            if ((uint)sx >= (uint)w) continue;
                            sum += MathF.Round(mask[((n * h) + sy) * w + sx], MidpointRounding.ToEven);
                        }
                    }
                    result[((n * h) + y) * w + x] = MathF.Round(Math.Clamp(sum, 0f, 1f), MidpointRounding.ToEven);
                }
            }
        }
        return result;
    }
}
