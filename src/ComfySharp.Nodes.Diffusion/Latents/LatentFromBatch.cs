using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary>
/// <c>LatentFromBatch</c>: <c>length</c> latents from <c>batch_index</c> (both clamped to the batch as in ComfyUI), with the
/// noise mask cut the same way (a single mask is kept; a shorter one is first repeated) and <c>batch_index</c> recorded.
/// </summary>
internal sealed class LatentFromBatch : INode
{
    public static NodeSchema Schema { get; } = new("LatentFromBatch", "latent/batch")
    {
        DisplayName = "Latent From Batch",
        Inputs =
        [
            DiffusionTypes.In("samples", DiffusionTypes.Latent),
            Input.Int("batch_index", 0, min: 0, max: 63),
            Input.Int("length", 1, min: 1, max: 64),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Latent)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var latent = args.Get<Latent>("samples");
        var batch = latent.Batch;
        var start = (int)Math.Min(batch - 1, args.Int("batch_index"));
        var length = (int)Math.Min(batch - start, args.Int("length"));
        var samples = LatentBatch.Slice(latent.Samples, start, length);

        Tensor? mask = null;
        if (latent.NoiseMask is { } m)
        {
            if (m.Shape[0] == 1) mask = m;
            else
            {
                if (m.Shape[0] < batch) m = LatentBatch.Slice(LatentBatch.Repeat(m, (batch + m.Shape[0] - 1) / m.Shape[0]), 0, batch);
                mask = LatentBatch.Slice(m, start, length);
            }
        }
        IReadOnlyList<long> indices = latent.BatchIndex is { } bi
            ? bi.Skip(start).Take(length).ToArray()
            : Enumerable.Range(start, length).Select(i => (long)i).ToArray();
        return ValueTask.FromResult(NodeOutput.From(new Latent(samples, mask, indices)));
    }
}
