using ComfySharp.Diffusion.Sampling;
using ComfySharp.Nodes.Diffusion.Conditionings;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Sampling;

/// <summary>
/// The SD 1.x eps model behind the sampler seam, with ComfyUI's guidance (<c>sampling_function</c>/<c>calc_cond_batch</c>):
/// every positive and negative conditioning entry is evaluated on its area of the latent, entries that can share a call
/// (same area size and compatible contexts; cond and uncond alike) go to the UNet as ONE batch, overlapping areas are
/// averaged by their weights, and the result is <c>uncond + (cond − uncond)·cfg</c>. With cfg 1 (or no negative, BasicGuider)
/// the negative is not evaluated at all. The model input is <c>x / √(σ² + 1)</c> at the timestep nearest σ, and each
/// prediction is <c>x − eps·σ</c>.
/// </summary>
internal sealed class GuidedDenoiser : IDenoiser
{
    private readonly SdModel _model;
    private readonly int[] _shape;
    private readonly List<ConditioningEntry> _positive;
    private readonly List<ConditioningEntry> _negative;
    private readonly bool _useNegative;
    private readonly Func<float, float> _timestep;

    /// <param name="shape">[B, C, H, W] of the latents the sampler works on.</param>
    /// <param name="timestep">The model's timestep for a noise level (ModelSamplingDiscrete.timestep).</param>
    public GuidedDenoiser(SdModel model, int[] shape, IReadOnlyList<ConditioningEntry> positive, IReadOnlyList<ConditioningEntry>? negative,
        double cfg, Func<float, float> timestep)
    {
        _model = model;
        _shape = shape;
        Cfg = cfg;
        _timestep = timestep;
        _positive = [.. positive];
        _negative = negative is null ? [] : [.. negative];
        if (_positive.Count == 0) throw new InvalidOperationException("The positive conditioning is empty.");
        if (negative is not null)
        {
            // Every area has an opposite entry on the same area (ComfyUI's create_cond_with_same_area_if_none, both ways).
            foreach (var c in _positive.ToArray()) AddSameAreaIfNone(_negative, c);
            foreach (var c in _negative.ToArray()) AddSameAreaIfNone(_positive, c);
        }
        _useNegative = negative is not null && Math.Abs(cfg - 1.0) > 1e-9 && _negative.Count > 0;
    }

    public double Cfg { get; }

    /// <summary>Number of UNet calls made so far (tests check the batching).</summary>
    public int ModelCalls { get; private set; }

    /// <summary>Time spent inside the UNet calls so far (the benchmark's sampler overhead is everything else).</summary>
    public TimeSpan ModelTime { get; private set; }

    public ValueTask DenoiseAsync(ReadOnlyMemory<float> x, float sigma, Memory<float> denoised, CancellationToken ct)
    {
        int b = _shape[0], c = _shape[1], h = _shape[2], w = _shape[3];
        var plane = h * w;
        var chunks = new List<CondChunk>();
        foreach (var e in _positive) chunks.Add(CondChunk.Of(e, uncond: false, h, w));
        if (_useNegative)
        {
            foreach (var e in _negative) chunks.Add(CondChunk.Of(e, uncond: true, h, w));
        }

        var cond = new float[x.Length];
        var condCount = new float[plane];
        var uncond = _useNegative ? new float[x.Length] : null;
        var uncondCount = _useNegative ? new float[plane] : null;
        Array.Fill(condCount, 1e-37f);
        if (uncondCount is not null) Array.Fill(uncondCount, 1e-37f);

        var cIn = 1f / MathF.Sqrt(sigma * sigma + 1f);
        var t = _timestep(sigma);
        var xs = x.Span;
        while (chunks.Count > 0)
        {
            var first = chunks[0];
            var group = chunks.Where(first.CanBatchWith).ToList();
            chunks.RemoveAll(group.Contains);
            var tokens = group.Aggregate(1, (l, g) => CondChunk.Lcm(l, g.Tokens));
            int n = group.Count, gh = first.Height, gw = first.Width, width = first.ContextWidth;
            var per = c * gh * gw;
            var input = new float[n * b * per];
            var context = new float[n * b * tokens * width];
            var timesteps = new float[n * b];
            Array.Fill(timesteps, t);
            for (var i = 0; i < n; i++)
            {
                var g = group[i];
                for (var bi = 0; bi < b; bi++)
                {
                    var item = (i * b) + bi;
                    CopyRegion(xs, input.AsSpan(item * per, per), bi, c, h, w, g.Y, g.X, gh, gw, cIn);
                    var ctx = context.AsSpan(item * tokens * width, tokens * width);
                    for (var r = 0; r < tokens / g.Tokens; r++) g.Context.CopyTo(ctx.Slice(r * g.Context.Length, g.Context.Length));
                }
            }
            var output = new float[input.Length];
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            _model.Evaluate(input, [n * b, c, gh, gw], timesteps, context, tokens, output, ct);
            ModelTime += System.Diagnostics.Stopwatch.GetElapsedTime(started);
            ModelCalls++;

            for (var i = 0; i < n; i++)
            {
                var g = group[i];
                var target = g.Uncond ? uncond! : cond;
                var count = g.Uncond ? uncondCount! : condCount;
                for (var bi = 0; bi < b; bi++)
                {
                    var item = (i * b) + bi;
                    Accumulate(xs, output.AsSpan(item * per, per), target, bi, c, h, w, g, sigma);
                }
                for (var y = 0; y < gh; y++)
                {
                    for (var xx = 0; xx < gw; xx++) count[((g.Y + y) * w) + g.X + xx] += g.Mult[(y * gw) + xx];
                }
            }
        }

        var result = denoised.Span;
        var cfg = (float)Cfg;
        for (var i = 0; i < result.Length; i++)
        {
            var p = i % plane;
            var cv = cond[i] / condCount[p];
            if (uncond is null)
            {
                result[i] = cv;
                continue;
            }
            var uv = uncond[i] / uncondCount![p];
            result[i] = uv + ((cv - uv) * cfg);
        }
        return ValueTask.CompletedTask;
    }

    private static void CopyRegion(ReadOnlySpan<float> x, Span<float> destination, int item, int channels, int h, int w, int y0, int x0, int gh, int gw, float scale)
    {
        for (var ch = 0; ch < channels; ch++)
        {
            for (var y = 0; y < gh; y++)
            {
                var source = x.Slice((((item * channels) + ch) * h * w) + ((y0 + y) * w) + x0, gw);
                var row = destination.Slice(((ch * gh) + y) * gw, gw);
                for (var i = 0; i < gw; i++) row[i] = source[i] * scale;
            }
        }
    }

    /// <summary>target[region] += (x − eps·σ) · mult.</summary>
    private static void Accumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> eps, float[] target, int item, int channels, int h, int w, CondChunk g, float sigma)
    {
        for (var ch = 0; ch < channels; ch++)
        {
            for (var y = 0; y < g.Height; y++)
            {
                var offset = (((item * channels) + ch) * h * w) + ((g.Y + y) * w) + g.X;
                var e = eps.Slice(((ch * g.Height) + y) * g.Width, g.Width);
                for (var i = 0; i < g.Width; i++)
                {
                    target[offset + i] += (x[offset + i] - (e[i] * sigma)) * g.Mult[(y * g.Width) + i];
                }
            }
        }
    }

    /// <summary>
    /// ComfyUI's <c>create_cond_with_same_area_if_none</c>: when <paramref name="c"/> has an area, <paramref name="conds"/> gets an
    /// entry on that area made from its smallest entry covering it (or one without area), unless one already has that exact area.
    /// </summary>
    private static void AddSameAreaIfNone(List<ConditioningEntry> conds, ConditioningEntry c)
    {
        if (Area(c) is not { } area) return;
        ConditioningEntry? smallest = null;
        foreach (var e in conds)
        {
            if (Area(e) is { } a)
            {
                var inside = area.Y >= a.Y && area.X >= a.X && a.Height + a.Y >= area.Height + area.Y && a.Width + a.X >= area.Width + area.X;
                if (!inside) continue;
                if (smallest is null || Area(smallest) is not { } s || s.Height * s.Width > a.Height * a.Width) smallest = e;
            }
            else
            {
                smallest ??= e;
            }
        }
        if (smallest is null || Area(smallest) == area) return;
        conds.Add(new ConditioningEntry(smallest.Cond, c.Options));
    }

    private static ConditioningArea? Area(ConditioningEntry e) =>
        e.Options.TryGetValue(ConditioningSetArea.AreaKey, out var a) && a is ConditioningArea area ? area : null;
}
