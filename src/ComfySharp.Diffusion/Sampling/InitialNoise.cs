namespace ComfySharp.Diffusion.Sampling;

/// <summary>ComfyUI's prepare_noise: the initial noise of a KSampler for a seed.</summary>
public static class InitialNoise
{
    /// <summary>
    /// The noise for latents of <paramref name="shape"/> ([B, …]): one <c>randn</c> over the whole shape after
    /// <c>manual_seed(seed)</c>. With <paramref name="batchIndex"/> (the latent's batch_index, one entry per sample),
    /// per-sample draws of [1, …] are made for indices 0 … max(batchIndex) in order and sample i gets the draw numbered
    /// batchIndex[i], so a sample keeps its noise when taken out of a batch.
    /// </summary>
    public static float[] Prepare(ulong seed, int[] shape, IReadOnlyList<int>? batchIndex = null)
    {
        long total = 1;
        foreach (var d in shape)
        {
            if (d <= 0) throw new ArgumentException($"Invalid latent shape [{string.Join(", ", shape)}].", nameof(shape));
            total *= d;
        }
        var generator = new TorchGenerator(seed);
        if (batchIndex is null) return generator.Normal(checked((int)total));

        var perSample = checked((int)(total / shape[0]));
        if (batchIndex.Count != shape[0]) throw new ArgumentException($"batch_index has {batchIndex.Count} entries for a batch of {shape[0]}.", nameof(batchIndex));
        var max = -1;
        foreach (var index in batchIndex)
        {
            if (index < 0) throw new ArgumentException($"Negative batch_index {index}.", nameof(batchIndex));
            max = Math.Max(max, index);
        }
        var draws = new Dictionary<int, float[]>();
        var wanted = new HashSet<int>(batchIndex);
        var scratch = new float[perSample];
        for (var i = 0; i <= max; i++)
        {
            generator.FillNormal(scratch);
            if (wanted.Contains(i)) draws[i] = (float[])scratch.Clone();
        }
        var noise = new float[total];
        for (var b = 0; b < batchIndex.Count; b++) draws[batchIndex[b]].CopyTo(noise, b * perSample);
        return noise;
    }
}
