namespace ComfySharp.Nodes.Image.Quantization;

/// <summary>
/// ComfyUI's ordered dithering for <c>ImageQuantize</c> (its own code, not Pillow's): a normalised Bayer matrix of the given order,
/// scaled by 2·256 / palette size and raised by 0.5, is tiled over the image and added to every channel; the sum is clipped to
/// 0..255 and truncated, and the result is mapped to the palette without further dithering. All in float32, as numpy and torch do.
/// </summary>
internal static class BayerDither
{
    /// <summary>The order×order offsets, row-major.</summary>
    public static float[] Offsets(int order, int paletteCount)
    {
        if (order < 1 || (order & (order - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(order), "The Bayer order is a power of two.");
        var matrix = new float[] { 0f };
        var size = 1;
        for (var q = 4; size < order; q *= 4)
        {
            // Each quadrant holds the previous matrix scaled by q, offset by −1.5 (top left), +0.5 (top right), +1.5 (bottom left),
            // −0.5 (bottom right), and divided by q.
            var next = new float[size * 2 * size * 2];
            for (var y = 0; y < size * 2; y++)
            {
                for (var x = 0; x < size * 2; x++)
                {
                    var m = q * matrix[(y % size) * size + x % size];
                    var offset = (y < size, x < size) switch
                    {
                        (true, true) => -1.5f,
                        (true, false) => 0.5f,
                        (false, true) => 1.5f,
                        _ => -0.5f,
                    };
                    next[y * size * 2 + x] = (m + offset) / q;
                }
            }
            matrix = next;
            size *= 2;
        }
        var spread = (float)(2.0 * 256 / paletteCount);
        for (var i = 0; i < matrix.Length; i++) matrix[i] = spread * matrix[i] + 0.5f;
        return matrix;
    }

    /// <summary>The pixels with the tiled offsets added, clipped and truncated to bytes.</summary>
    public static void Apply(ReadOnlySpan<byte> rgb, int width, int height, float[] offsets, int order, Span<byte> output)
    {
        for (var y = 0; y < height; y++)
        {
            var row = offsets.AsSpan((y % order) * order, order);
            for (var x = 0; x < width; x++)
            {
                var offset = row[x % order];
                var i = (y * width + x) * 3;
                for (var c = 0; c < 3; c++) output[i + c] = (byte)Math.Clamp(rgb[i + c] + offset, 0f, 255f);
            }
        }
    }
}
