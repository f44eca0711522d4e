using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary>
/// <c>RepeatLatentBatch</c>: the batch repeated <c>amount</c> times; a per-item noise mask is repeated too, and an existing
/// <c>batch_index</c> continues past its range for each copy, as in ComfyUI.
/// </summary>
internal sealed class RepeatLatentBatch : INode
{
    public static NodeSchema Schema { get; } = new("RepeatLatentBatch", "latent/batch")
    {
        DisplayName = "Repeat Latent Batch",
        Inputs = [DiffusionTypes.In("samples", DiffusionTypes.Latent), Input.Int("amount", 1, min: 1, max: 64)],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Latent)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var latent = args.Get<Latent>("samples");
        var amount = (int)args.Int("amount");
        var samples = LatentBatch.Repeat(latent.Samples, amount);
        var mask = latent.NoiseMask;
        // ComfyUI repeats only a per-item mask (more than one entry), and repeats the original one.
        if (mask is not null && mask.Shape[0] > 1) mask = LatentBatch.Repeat(mask, amount);

        IReadOnlyList<long>? indices = null;
        if (latent.BatchIndex is { Count: > 0 } bi)
        {
            var offset = bi.Max() - bi.Min() + 1;
            var list = new List<long>(bi);
            for (var i = 1; i < amount; i++)
            {
                foreach (var x in bi) list.Add(x + i * offset);
            }
            indices = list;
        }
        return ValueTask.FromResult(NodeOutput.From(new Latent(samples, mask, indices ?? latent.BatchIndex)));
    }
}
