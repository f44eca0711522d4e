using System.Collections.Immutable;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Diffusion.Conditionings;
using ComfySharp.Nodes.Diffusion.Models;
using ComfySharp.Nodes.Diffusion.Sampling;

namespace ComfySharp.Nodes.Diffusion.Tests.Sampling;

/// <summary>
/// The guided denoiser on the tiny checkpoint against a direct computation: the UNet called on its own for each
/// conditioning, <c>x − eps·σ</c>, combined by the CFG formula (and the area weights for area conditioning).
/// </summary>
public sealed class GuidedDenoiserTests : IDisposable
{
    private const float Sigma = 2.5f;
    private const float Timestep = 640f;
    private readonly TempFolder _folder = new();
    private readonly ModelCache _cache;
    private readonly SdModel _model;

    public GuidedDenoiserTests()
    {
        var checkpoints = Path.Combine(_folder.Path, "models", "checkpoints");
        Directory.CreateDirectory(checkpoints);
        var path = TinyCheckpoint.Write(Path.Combine(checkpoints, "tiny.safetensors"), SafetensorsDType.F32);
        _cache = new ModelCache(new DiffusionPackOptions(EngineFolders.Under(_folder.Path)));
        _model = new SdModel(_cache, path);
    }

    public void Dispose()
    {
        _cache.Dispose();
        _folder.Dispose();
    }

    private static int ContextDim => TinyCheckpoint.Config.UNet.ContextDim;

    private static ConditioningEntry Cond(int seed, int tokens = 77, ConditioningArea? area = null, double strength = 1)
    {
        var entry = ConditioningEntry.Of(new Tensor([1, tokens, ContextDim], TinyCheckpoint.RandomArray(new Random(seed), tokens * ContextDim)));
        return area is { } a
            ? entry with { Options = ImmutableDictionary<string, object>.Empty.Add("area", a).Add("strength", strength).Add("set_area_to_bounds", false) }
            : entry;
    }

    /// <summary>x − eps·σ for one conditioning over the whole latent, one UNet call per batch item.</summary>
    private float[] Direct(float[] x, int[] shape, ConditioningEntry cond)
    {
        var result = new float[x.Length];
        var per = shape[1] * shape[2] * shape[3];
        var cIn = 1f / MathF.Sqrt((Sigma * Sigma) + 1f);
        var tokens = cond.Cond.Shape[1];
        for (var b = 0; b < shape[0]; b++)
        {
            var input = x.AsSpan(b * per, per).ToArray();
            for (var i = 0; i < per; i++) input[i] *= cIn;
            var eps = new float[per];
            _model.Evaluate(input, [1, shape[1], shape[2], shape[3]], [Timestep], cond.Cond.Span.ToArray(), tokens, eps, CancellationToken.None);
            for (var i = 0; i < per; i++) result[(b * per) + i] = x[(b * per) + i] - (eps[i] * Sigma);
        }
        return result;
    }

    private static float[] Latent(int[] shape) => TinyCheckpoint.RandomArray(new Random(7), Tensor.ElementCount(shape), 3f);

    private static async Task<(float[] Result, int Calls)> Denoise(GuidedDenoiser denoiser, float[] x)
    {
        var result = new float[x.Length];
        await denoiser.DenoiseAsync(x, Sigma, result, CancellationToken.None);
        return (result, denoiser.ModelCalls);
    }

    [Fact]
    public async Task Cfg_batches_cond_and_uncond_into_one_call_and_matches_separate_calls()
    {
        int[] shape = [2, 4, 8, 8];
        var x = Latent(shape);
        ConditioningEntry positive = Cond(1), negative = Cond(2);
        var denoiser = new GuidedDenoiser(_model, shape, [positive], [negative], 7.5, _ => Timestep);
        var (result, calls) = await Denoise(denoiser, x);
        Assert.Equal(1, calls);

        var cond = Direct(x, shape, positive);
        var uncond = Direct(x, shape, negative);
        for (var i = 0; i < x.Length; i++) Assert.Equal(uncond[i] + ((cond[i] - uncond[i]) * 7.5f), result[i], 2e-3f);
    }

    [Fact]
    public async Task Cfg_one_skips_the_negative()
    {
        int[] shape = [1, 4, 8, 8];
        var x = Latent(shape);
        var positive = Cond(1);
        var denoiser = new GuidedDenoiser(_model, shape, [positive], [Cond(2, tokens: 154)], 1.0, _ => Timestep);
        var (result, calls) = await Denoise(denoiser, x);
        Assert.Equal(1, calls);
        var cond = Direct(x, shape, positive);
        for (var i = 0; i < x.Length; i++) Assert.Equal(cond[i], result[i], 1e-4f);
    }

    [Fact]
    public async Task Combined_conditionings_are_averaged_and_contexts_of_different_lengths_share_a_call()
    {
        int[] shape = [1, 4, 8, 8];
        var x = Latent(shape);
        ConditioningEntry a = Cond(1), b = Cond(3, tokens: 154);
        var denoiser = new GuidedDenoiser(_model, shape, [a, b], null, 8.0, _ => Timestep);
        var (result, calls) = await Denoise(denoiser, x);
        Assert.Equal(1, calls);
        var da = Direct(x, shape, a);
        // A 77-token context repeated to 154 tokens attends exactly like the original.
        var db = Direct(x, shape, b);
        for (var i = 0; i < x.Length; i++) Assert.Equal((da[i] + db[i]) / 2, result[i], 2e-4f);
    }

    [Fact]
    public async Task Area_conditioning_is_applied_on_its_area_with_feathered_weights()
    {
        // A 16×16 latent; the area entry covers rows 4..15, columns 0..11 (ConditioningSetArea 96×96 at x=0, y=32) at strength 0.5.
        int[] shape = [1, 4, 16, 16];
        var x = Latent(shape);
        var area = new ConditioningArea(12, 12, 4, 0);
        ConditioningEntry whole = Cond(1), part = Cond(4, area: area, strength: 0.5);
        var denoiser = new GuidedDenoiser(_model, shape, [whole, part], null, 1.0, _ => Timestep);
        var (result, calls) = await Denoise(denoiser, x);
        Assert.Equal(2, calls); // different region sizes cannot share a call

        var dw = Direct(x, shape, whole);
        // The area's prediction: the UNet on the cropped latent.
        int[] cropShape = [1, 4, 12, 12];
        var crop = new float[4 * 12 * 12];
        for (var c = 0; c < 4; c++)
        {
            for (var y = 0; y < 12; y++)
            {
                for (var xx = 0; xx < 12; xx++) crop[(c * 144) + (y * 12) + xx] = x[(c * 256) + ((y + 4) * 16) + xx];
            }
        }
        var dp = Direct(crop, cropShape, part);
        for (var c = 0; c < 4; c++)
        {
            for (var y = 0; y < 16; y++)
            {
                for (var xx = 0; xx < 16; xx++)
                {
                    var i = (c * 256) + (y * 16) + xx;
                    var inside = y >= 4 && xx < 12;
                    if (!inside)
                    {
                        Assert.Equal(dw[i], result[i], 1e-4f);
                        continue;
                    }
                    // Feathered on the top edge (y ≠ 0) and the right edge (x + w < 16), 8 pixels each.
                    int ry = y - 4, rx = xx;
                    var m = 0.5f;
                    if (ry < 8) m *= (ry + 1) / 8f;
                    if (12 - 1 - rx < 8) m *= (12 - rx) / 8f;
                    var expected = ((dw[i] * 1f) + (dp[(c * 144) + (ry * 12) + rx] * m)) / (1f + m);
                    Assert.Equal(expected, result[i], 2e-4f);
                }
            }
        }
    }
}
