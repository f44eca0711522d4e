using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Transform;

/// <summary>
/// <c>ImagePadForOutpaint</c>: grey (0.5) borders and a mask that is 1 on them and, with feathering, fades in quadratically
/// inside the image towards the padded sides.
/// </summary>
internal sealed class ImagePadForOutpaint : INode
{
    public static NodeSchema Schema { get; } = new("ImagePadForOutpaint", "image")
    {
        DisplayName = "Pad Image for Outpainting",
        Inputs =
        [
            Input.Of("image", "IMAGE"),
            Input.Int("left", 0, 0, Input.MaxResolution, 8), Input.Int("top", 0, 0, Input.MaxResolution, 8),
            Input.Int("right", 0, 0, Input.MaxResolution, 8), Input.Int("bottom", 0, 0, Input.MaxResolution, 8),
            Input.Int("feathering", 40, 0, Input.MaxResolution, 1),
        ],
        Outputs = [Output.Image(), Output.Mask()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var image = args.Get<Tensor>("image");
        var (b, h, w, c) = ImageTensors.ImageShape(image);
        var (left, top, right, bottom) = ((int)args.Int("left"), (int)args.Int("top"), (int)args.Int("right"), (int)args.Int("bottom"));
        var feathering = (int)args.Int("feathering");
        var (nh, nw) = (h + top + bottom, w + left + right);
        var padded = Tensor.Full(0.5f, b, nh, nw, c);
        var dst = padded.MutableSpan;
        for (var n = 0; n < b; n++)
        {
            for (var y = 0; y < h; y++)
            {
                image.Span.Slice(((n * h + y) * w) * c, w * c).CopyTo(dst.Slice(((n * nh + y + top) * nw + left) * c, w * c));
            }
        }
        var mask = Tensor.Full(1f, 1, nh, nw);
        var m = mask.MutableSpan;
        var feather = feathering > 0 && feathering * 2 < h && feathering * 2 < w;
        for (var i = 0; i < h; i++)
        {
            for (var j = 0; j < w; j++)
            {
                var v = 0f;
                if (feather)
                {
                    var d = Math.Min(Math.Min(top != 0 ? i : h, bottom != 0 ? h - i : h), Math.Min(left != 0 ? j : w, right != 0 ? w - j : w));
                    if (d < feathering)
                    {
                        // Python computes in double and stores into a float32 tensor.
                        var f = (feathering - d) / (double)feathering;
                        v = (float)(f * f);
                    }
                }
                m[(i + top) * nw + j + left] = v;
            }
        }
        return ValueTask.FromResult(NodeOutput.From(padded, mask));
    }
}
