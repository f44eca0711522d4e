using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Color;

/// <summary><c>node_helpers.image_alpha_fix</c>: an RGBA source onto RGB drops its alpha; an RGB destination under RGBA gains alpha 1.</summary>
internal static class AlphaFix
{
    public static (Tensor Destination, Tensor Source) Apply(Tensor destination, Tensor source)
    {
        var (dc, sc) = (destination.Shape[^1], source.Shape[^1]);
        if (dc < sc) return (destination, Channels(source, dc, 0f));
        if (dc > sc) return (Channels(destination, dc + 1, 1f), source);
        return (destination, source);
    }

    /// <summary>The first <paramref name="channels"/> channels, new ones filled with <paramref name="fill"/>.</summary>
    private static Tensor Channels(Tensor t, int channels, float fill)
    {
        var c = t.Shape[^1];
        var pixels = t.Length / c;
        var shape = (int[])t.Shape.Clone();
        shape[^1] = channels;
        var data = new float[pixels * channels];
        var src = t.Span;
        for (var p = 0; p < pixels; p++)
        {
            for (var k = 0; k < channels; k++) data[p * channels + k] = k < c ? src[p * c + k] : fill;
        }
        return new Tensor(shape, data);
    }
}
