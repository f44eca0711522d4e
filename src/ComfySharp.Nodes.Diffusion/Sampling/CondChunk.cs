using ComfySharp.Nodes.Diffusion.Conditionings;

namespace ComfySharp.Nodes.Diffusion.Sampling;

/// <summary>
/// One conditioning entry prepared for a model call (ComfyUI's <c>get_area_and_mult</c>): the latent region it applies
/// to, the weight map over that region (its strength, feathered over 8 latent pixels on edges inside the latent) and
/// its text context [tokens, width]. <see cref="Uncond"/> says which prediction it contributes to.
/// </summary>
internal sealed class CondChunk
{
    /// <summary>ComfyUI feathers an area's weight over this many latent pixels on every edge that is not the latent's.</summary>
    private const int Feather = 8;

    private CondChunk(bool uncond, int y, int x, int height, int width, float[] mult, float[] context, int tokens, int contextWidth)
    {
        Uncond = uncond;
        Y = y;
        X = x;
        Height = height;
        Width = width;
        Mult = mult;
        Context = context;
        Tokens = tokens;
        ContextWidth = contextWidth;
    }

    public bool Uncond { get; }
    public int Y { get; }
    public int X { get; }
    public int Height { get; }
    public int Width { get; }
    /// <summary>[Height, Width] weights.</summary>
    public float[] Mult { get; }
    /// <summary>[Tokens, ContextWidth], the entry's first batch item (conditioning entries hold one).</summary>
    public float[] Context { get; }
    public int Tokens { get; }
    public int ContextWidth { get; }

    public static CondChunk Of(ConditioningEntry entry, bool uncond, int latentHeight, int latentWidth)
    {
        var area = entry.Options.TryGetValue(ConditioningSetArea.AreaKey, out var a) && a is ConditioningArea ca
            ? ca
            : new ConditioningArea(latentHeight, latentWidth, 0, 0);
        var strength = entry.Options.TryGetValue(ConditioningSetArea.StrengthKey, out var s) ? Convert.ToSingle(s, System.Globalization.CultureInfo.InvariantCulture) : 1f;

        // Python slicing: the region is clipped to the latent.
        var y0 = (int)Math.Min(area.Y, latentHeight);
        var x0 = (int)Math.Min(area.X, latentWidth);
        var y1 = (int)Math.Min(area.Y + area.Height, latentHeight);
        var x1 = (int)Math.Min(area.X + area.Width, latentWidth);
        int h = y1 - y0, w = x1 - x0;
        if (h <= 0 || w <= 0)
        {
            throw new InvalidOperationException(
                $"A conditioning area ({area.Width * 8}×{area.Height * 8} at x={area.X * 8}, y={area.Y * 8}) lies outside the {latentWidth * 8}×{latentHeight * 8} image.");
        }

        var mult = new float[h * w];
        Array.Fill(mult, strength);
        // The row/column index ComfyUI scales for step t, counted from the area's own height/width (not the clipped one).
        for (var t = 0; t < Feather; t++)
        {
            var f = (t + 1f) / Feather;
            if (area.Y != 0) ScaleRow(mult, h, w, t, f);
            if (area.Height + area.Y < latentHeight) ScaleRow(mult, h, w, (int)area.Height - 1 - t, f);
            if (area.X != 0) ScaleColumn(mult, h, w, t, f);
            if (area.Width + area.X < latentWidth) ScaleColumn(mult, h, w, (int)area.Width - 1 - t, f);
        }

        var cond = entry.Cond;
        if (cond.Rank != 3) throw new InvalidOperationException($"A conditioning tensor must be [1, tokens, width]; got [{string.Join(", ", cond.Shape)}].");
        int tokens = cond.Shape[1], width = cond.Shape[2];
        var context = cond.Span[..(tokens * width)].ToArray();
        return new CondChunk(uncond, y0, x0, h, w, mult, context, tokens, width);
    }

    private static void ScaleRow(float[] mult, int h, int w, int row, float f)
    {
        if ((uint)row >= (uint)h) return;
        for (var i = 0; i < w; i++) mult[row * w + i] *= f;
    }

    private static void ScaleColumn(float[] mult, int h, int w, int column, float f)
    {
        if ((uint)column >= (uint)w) return;
        for (var r = 0; r < h; r++) mult[r * w + column] *= f;
    }

    /// <summary>ComfyUI's <c>can_concat</c>: same region size, same context width, token counts within a ×4 common multiple.</summary>
    public bool CanBatchWith(CondChunk other)
    {
        if (Height != other.Height || Width != other.Width || ContextWidth != other.ContextWidth) return false;
        if (Tokens == other.Tokens) return true;
        return Lcm(Tokens, other.Tokens) / Math.Min(Tokens, other.Tokens) <= 4;
    }

    public static int Lcm(int a, int b) => a / Gcd(a, b) * b;

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
