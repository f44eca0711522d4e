using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary>Batch-axis operations on tensors of any rank (the first axis is the batch).</summary>
internal static class LatentBatch
{
    public static Tensor Slice(Tensor t, int start, int length)
    {
        var per = t.Length / t.Shape[0];
        var shape = (int[])t.Shape.Clone();
        shape[0] = length;
        return new Tensor(shape, t.Span.Slice(start * per, length * per).ToArray());
    }

    /// <summary>torch's <c>repeat(amount, 1, ...)</c>: the whole batch, <paramref name="amount"/> times.</summary>
    public static Tensor Repeat(Tensor t, int amount)
    {
        var shape = (int[])t.Shape.Clone();
        shape[0] = checked(shape[0] * amount);
        var data = new float[checked(t.Length * amount)];
        for (var i = 0; i < amount; i++) t.Span.CopyTo(data.AsSpan(i * t.Length));
        return new Tensor(shape, data);
    }
}
