using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image;

/// <summary>Rectangles of channel-last tensors ([B,H,W,C] or [B,H,W]) with Python's slice clamping.</summary>
internal static class Regions
{
    /// <summary><c>t[:, y:y+height, x:x+width]</c>; slices past the edge shrink, as in Python.</summary>
    public static Tensor Crop(Tensor t, int x, int y, int width, int height)
    {
        var (b, h, w, c) = Dims(t);
        var x0 = Math.Clamp(x, 0, w);
        var y0 = Math.Clamp(y, 0, h);
        var x1 = Math.Clamp(x + width, x0, w);
        var y1 = Math.Clamp(y + height, y0, h);
        var (ow, oh) = (x1 - x0, y1 - y0);
        var data = new float[b * oh * ow * c];
        var src = t.Span;
        for (var n = 0; n < b; n++)
        {
            for (var row = 0; row < oh; row++)
            {
                src.Slice(((n * h + y0 + row) * w + x0) * c, ow * c).CopyTo(data.AsSpan(((n * oh + row) * ow) * c, ow * c));
            }
        }
        return new Tensor(t.Rank == 4 ? [b, oh, ow, c] : [b, oh, ow], data);
    }

    public static (int B, int H, int W, int C) Dims(Tensor t) => t.Rank switch
    {
        4 => (t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]),
        3 => (t.Shape[0], t.Shape[1], t.Shape[2], 1),
        _ => throw new InvalidOperationException($"Expected [B,H,W,C] or [B,H,W], got [{string.Join(", ", t.Shape)}]."),
    };

    /// <summary><c>comfy.utils.repeat_to_batch_size</c>: cut or cycle the batch to <paramref name="batch"/> items.</summary>
    public static Tensor RepeatToBatch(Tensor t, int batch)
    {
        if (t.Shape[0] == batch) return t;
        var per = t.Length / t.Shape[0];
        var shape = (int[])t.Shape.Clone();
        shape[0] = batch;
        var data = new float[batch * per];
        for (var i = 0; i < batch; i++) t.Span.Slice(i % t.Shape[0] * per, per).CopyTo(data.AsSpan(i * per, per));
        return new Tensor(shape, data);
    }
}
