namespace ComfySharp.Nodes.Image.Resampling;

/// <summary>Pillow's resampling filters: their support (radius at scale 1) and weight function.</summary>
internal sealed record PillowFilter(double Support, Func<double, double> Weight)
{
    public static PillowFilter Lanczos { get; } = new(3.0, x => x is >= -3.0 and < 3.0 ? Sinc(x) * Sinc(x / 3.0) : 0.0);

    public static PillowFilter Bilinear { get; } = new(1.0, x => Math.Abs(x) < 1.0 ? 1.0 - Math.Abs(x) : 0.0);

    private static double Sinc(double x)
    {
        if (x == 0.0) return 1.0;
        x *= Math.PI;
        return Math.Sin(x) / x;
    }
}
