namespace ComfySharp.LoadGen;

/// <summary>
/// What a <see cref="ThroughputRun"/> measured; <see cref="PromptsPerSecond"/> counts prompts seen done.
/// <see cref="GeneratorCpuSeconds"/> is this process's CPU from the first POST to the last done (NaN off Linux).
/// <see cref="Error"/>: the listening socket failed before the run ended, which stopped the posters.
/// </summary>
internal sealed record ThroughputResult(
    int Posted,
    int Accepted,
    int Completed,
    int Failed,
    int Rejected,
    PostResult FirstRejection,
    double ElapsedSeconds,
    double PostingSeconds,
    Percentiles PostLatency,
    double GeneratorCpuSeconds,
    bool TimedOut,
    string? Error)
{
    public double PromptsPerSecond => ElapsedSeconds > 0 ? Completed / ElapsedSeconds : 0;
}
