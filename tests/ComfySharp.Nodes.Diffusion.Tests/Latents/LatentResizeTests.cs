using ComfySharp.Diffusion.Tests.Infrastructure;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Diffusion.Latents;

namespace ComfySharp.Nodes.Diffusion.Tests.Latents;

public sealed class LatentResizeTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Tensor Random(int seed, params int[] shape) => new(shape, TinyCheckpoint.RandomArray(new Random(seed), Tensor.ElementCount(shape)));

    [Theory]
    [InlineData("nearest-exact", 13, 9)]
    [InlineData("nearest-exact", 3, 2)]
    [InlineData("bilinear", 13, 9)]
    [InlineData("bilinear", 4, 3)]
    [InlineData("bicubic", 13, 9)]
    [InlineData("bicubic", 3, 4)]
    [InlineData("area", 13, 9)]
    [InlineData("area", 3, 2)]
    public void Torch_modes_match_torch_interpolate(string mode, int width, int height)
    {
        var ct = TestContext.Current.CancellationToken;
        var x = Random(3, 2, 4, 5, 7);
        var actual = LatentResize.Upscale(x, width, height, mode, "disabled");
        Assert.Equal([2, 4, height, width], actual.Shape);
        var expected = TorchReference.Run("interpolate", "-", new() { ["x"] = ([2, 4, 5, 7], x.Span.ToArray()) },
            new { mode, width, height }, _temp.Path, ct)["out"];
        Numerics.AssertClose(expected, actual.Span.ToArray(), 1e-5f);
    }

    [Fact]
    public void Center_crop_cuts_the_long_side_before_resizing()
    {
        // 4 wide, 2 high → 2×2 target: one column off each side, then an identity resize.
        var x = new Tensor([1, 1, 2, 4], [1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.Equal([2f, 3, 6, 7], LatentResize.Upscale(x, 2, 2, "nearest-exact", "center").Span.ToArray());
        // nearest-exact picks source index floor((d + 0.5) · 2): columns 1 and 3.
        Assert.Equal([2f, 4, 6, 8], LatentResize.Upscale(x, 2, 2, "nearest-exact", "disabled").Span.ToArray());
    }

    [Fact]
    public void Bislerp_keeps_same_size_input_and_interpolates_norm_and_direction()
    {
        var x = Random(5, 1, 4, 3, 3);
        Numerics.AssertClose(x.Span.ToArray(), LatentResize.Upscale(x, 3, 3, "bislerp", "disabled").Span.ToArray(), 1e-6f);

        // Two orthogonal channel vectors of norms 1 and 3, doubled in width: the new middle samples keep the direction
        // on the arc between them and a norm between 1 and 3.
        var two = new Tensor([1, 2, 1, 2], [1, 0, 0, 3]);
        var wide = LatentResize.Upscale(two, 4, 1, "bislerp", "disabled").Span.ToArray();
        for (var i = 0; i < 4; i++)
        {
            var a = wide[i];
            var b = wide[4 + i];
            Assert.True(a >= -1e-6 && b >= -1e-6, $"sample {i} left the arc: ({a}, {b})");
            var norm = MathF.Sqrt(a * a + b * b);
            Assert.InRange(norm, 1 - 1e-5f, 3 + 1e-5f);
        }
        Assert.Equal(1f, wide[0], 1e-6f);
        Assert.Equal(3f, wide[4 + 3], 1e-6f);
    }

    [Fact]
    public void Bad_sizes_are_refused()
    {
        var x = Random(1, 1, 4, 2, 2);
        Assert.Throws<InvalidOperationException>(() => LatentResize.Upscale(x, 0, 2, "bilinear", "disabled"));
        Assert.Throws<InvalidOperationException>(() => LatentResize.Upscale(x, 2, 2, "lanczos", "disabled"));
    }
}
