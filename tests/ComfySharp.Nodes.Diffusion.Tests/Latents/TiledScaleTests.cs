using ComfySharp.Diffusion.Tests.Infrastructure;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Diffusion.Latents;

namespace ComfySharp.Nodes.Diffusion.Tests.Latents;

public sealed class TiledScaleTests
{
    /// <summary>A position-independent 2× nearest upscale: tiles blended with any masks must give the whole-image result.</summary>
    private static Tensor Upscale2x(Tensor t)
    {
        int c = t.Shape[1], h = t.Shape[2], w = t.Shape[3];
        var data = new float[c * h * w * 4];
        var src = t.Span;
        for (var ch = 0; ch < c; ch++)
            for (var y = 0; y < 2 * h; y++)
                for (var x = 0; x < 2 * w; x++) data[(ch * 2 * h + y) * 2 * w + x] = src[(ch * h + y / 2) * w + x / 2] * 3 + 1;
        return new Tensor([1, c, 2 * h, 2 * w], data);
    }

    [Theory]
    [InlineData(8, 8, 2)]
    [InlineData(4, 16, 1)]
    [InlineData(16, 4, 0)]
    [InlineData(5, 7, 2)]
    public void Blended_tiles_of_a_local_function_equal_the_whole(int tileY, int tileX, int overlap)
    {
        var x = new Tensor([1, 3, 19, 23], TinyCheckpoint.RandomArray(new Random(4), 3 * 19 * 23));
        var tiled = TiledScale.Run(x, Upscale2x, tileY, tileX, overlap, 2.0, 3, TestContext.Current.CancellationToken);
        Numerics.AssertClose(Upscale2x(x).Span.ToArray(), tiled.Span.ToArray(), 1e-5f);
    }

    [Fact]
    public void Input_that_fits_one_tile_is_passed_through()
    {
        var x = new Tensor([1, 1, 2, 2], [1, 2, 3, 4]);
        var calls = 0;
        var result = TiledScale.Run(x, t => { calls++; return t; }, 4, 4, 1, 1.0, 1, TestContext.Current.CancellationToken);
        Assert.Equal(1, calls);
        Assert.Same(x, result);
    }

    [Fact]
    public void Overlap_as_large_as_the_tile_is_refused()
    {
        var x = new Tensor([1, 1, 8, 8], new float[64]);
        Assert.Throws<InvalidOperationException>(() => TiledScale.Run(x, t => t, 4, 4, 4, 1.0, 1, TestContext.Current.CancellationToken));
    }
}
