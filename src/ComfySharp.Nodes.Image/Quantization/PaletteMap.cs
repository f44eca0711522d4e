namespace ComfySharp.Nodes.Image.Quantization;

/// <summary>
/// Maps RGB pixels to a palette as Pillow's <c>convert("P", palette=…)</c> does (<c>Convert.c</c> <c>topalette</c>, <c>Palette.c</c>):
/// through a cache of 64×64×64 slots, each holding the entry nearest (squared RGB distance, first entry on ties) to the slot's
/// lowest corner, so a pixel is matched by its top six bits per channel. Optionally with Pillow's Floyd–Steinberg error diffusion.
/// </summary>
internal sealed class PaletteMap
{
    private readonly byte[] _palette;
    private readonly short[] _cache = new short[64 * 64 * 64];

    /// <param name="palette">RGB triples, 1 to 256 of them.</param>
    public PaletteMap(byte[] palette)
    {
        if (palette.Length is 0 or > 256 * 3 || palette.Length % 3 != 0) throw new ArgumentException("A palette holds 1 to 256 RGB triples.", nameof(palette));
        _palette = palette;
        _cache.AsSpan().Fill(-1);
    }

    public int Count => _palette.Length / 3;

    public int Nearest(int r, int g, int b)
    {
        var slot = (r >> 2) | (g >> 2) << 6 | (b >> 2) << 12;
        var index = _cache[slot];
        if (index < 0) _cache[slot] = index = (short)Search(r & ~3, g & ~3, b & ~3);
        return index;
    }

    /// <summary>Every pixel replaced by its palette colour.</summary>
    public void Map(ReadOnlySpan<byte> rgb, Span<byte> output)
    {
        for (var i = 0; i + 2 < rgb.Length; i += 3) Put(Nearest(rgb[i], rgb[i + 1], rgb[i + 2]), output, i);
    }

    /// <summary>
    /// Pillow's Floyd–Steinberg: the error of each pixel, in whole units, goes 7/16 right and 3/16, 5/16, 1/16 to the row below
    /// (below-left, below, below-right); a pixel adds the sum of what it received divided by 16, truncated toward zero, then clipped.
    /// At the end of each row Pillow stores the blue channel's pending sums in all three channels of the spare last slot; that
    /// quirk reaches the last pixel of the next row and is kept.
    /// </summary>
    public void MapDithered(ReadOnlySpan<byte> rgb, int width, int height, Span<byte> output)
    {
        // below[x + 1] collects what pixel x of the next row receives from this row; below[x] is written once pixel x is done.
        var below = new int[(width + 1) * 3];
        Span<int> right = stackalloc int[3];   // 7 × error of the previous pixel
        Span<int> pending = stackalloc int[3]; // 5 × error of the previous pixel + error of the one before it
        Span<int> last = stackalloc int[3];    // error of the previous pixel
        for (var y = 0; y < height; y++)
        {
            right.Clear();
            pending.Clear();
            last.Clear();
            var row = y * width * 3;
            for (var x = 0; x < width; x++)
            {
                var i = row + x * 3;
                var r = Math.Clamp(rgb[i] + (right[0] + below[x * 3 + 3]) / 16, 0, 255);
                var g = Math.Clamp(rgb[i + 1] + (right[1] + below[x * 3 + 4]) / 16, 0, 255);
                var b = Math.Clamp(rgb[i + 2] + (right[2] + below[x * 3 + 5]) / 16, 0, 255);
                var index = Nearest(r, g, b);
                Put(index, output, i);
                Diffuse(0, r - _palette[index * 3], x, below, right, pending, last);
                Diffuse(1, g - _palette[index * 3 + 1], x, below, right, pending, last);
                Diffuse(2, b - _palette[index * 3 + 2], x, below, right, pending, last);
            }
            below[width * 3] = pending[2];
            below[width * 3 + 1] = last[2];
            below[width * 3 + 2] = last[2];
        }
    }

    private static void Diffuse(int c, int error, int x, int[] below, Span<int> right, Span<int> pending, Span<int> last)
    {
        below[x * 3 + c] = 3 * error + pending[c];
        pending[c] = 5 * error + last[c];
        last[c] = error;
        right[c] = 7 * error;
    }

    private void Put(int index, Span<byte> output, int i)
    {
        output[i] = _palette[index * 3];
        output[i + 1] = _palette[index * 3 + 1];
        output[i + 2] = _palette[index * 3 + 2];
    }

    private int Search(int r, int g, int b)
    {
        var best = 0;
        var bestDistance = int.MaxValue;
        for (var k = 0; k < _palette.Length; k += 3)
        {
            int dr = r - _palette[k], dg = g - _palette[k + 1], db = b - _palette[k + 2];
            var distance = dr * dr + dg * dg + db * db;
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = k / 3;
            }
        }
        return best;
    }
}
