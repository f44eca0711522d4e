namespace ComfySharp.LoadGen;

/// <summary>What a <see cref="ThroughputRun"/> measured; <see cref="PromptsPerSecond"/> counts prompts seen done.</summary>
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
    bool TimedOut)
{
    public double PromptsPerSecond => ElapsedSeconds > 0 ? Completed / ElapsedSeconds : 0;
}
