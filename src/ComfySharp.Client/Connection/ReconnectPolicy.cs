namespace ComfySharp.Client;

/// <summary>
/// Exponential backoff with jitter for reconnecting the WebSocket: attempt n waits
/// <c>min(MaxDelay, InitialDelay · Multiplier^(n−1))</c>, scaled by a random factor in <c>[1 − Jitter, 1 + Jitter]</c>
/// (capped at <see cref="MaxDelay"/>), so many clients that lost the same server do not return in lockstep.
/// </summary>
public sealed record ReconnectPolicy
{
    /// <summary>The wait before the first attempt. Default 0.5 s.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Growth per attempt. Default 2.</summary>
    public double Multiplier { get; init; } = 2;

    /// <summary>Relative jitter in [0, 1]. Default 0.2 (±20 %).</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>Attempts before giving up (then waiting calls fail with <see cref="ComfyConnectionException"/>); null retries forever.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>The wait before attempt <paramref name="attempt"/> (1-based) for a uniform random <paramref name="unitRandom"/> in [0, 1).</summary>
    public TimeSpan GetDelay(int attempt, double unitRandom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var baseMs = InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, attempt - 1);
        var capMs = MaxDelay.TotalMilliseconds;
        if (double.IsNaN(baseMs) || baseMs > capMs) baseMs = capMs;
        var jitter = Math.Clamp(Jitter, 0, 1);
        var factor = 1 - jitter + (2 * jitter * Math.Clamp(unitRandom, 0, 1));
        return TimeSpan.FromMilliseconds(Math.Min(capMs, baseMs * factor));
    }
}
