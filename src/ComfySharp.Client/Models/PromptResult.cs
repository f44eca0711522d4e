namespace ComfySharp.Client;

/// <summary>What <see cref="ComfyClient.RunAsync(Workflows.Workflow, RunOptions?, CancellationToken)"/> returns: the finished prompt's history.</summary>
/// <param name="PromptId">The prompt.</param>
/// <param name="History">Its history entry.</param>
public sealed record PromptResult(string PromptId, HistoryEntry History)
{
    /// <summary>UI outputs per node.</summary>
    public IReadOnlyDictionary<string, NodeOutputs> Outputs => History.Outputs;

    /// <summary><c>success</c> or <c>error</c>.</summary>
    public string? StatusText => History.StatusText;

    /// <summary>True when the prompt completed successfully.</summary>
    public bool Succeeded => History.Completed;

    /// <summary>The failing node's error, if any.</summary>
    public ExecutionErrorInfo? Error => History.Error;

    /// <summary>True when the prompt was interrupted.</summary>
    public bool Interrupted => History.Interrupted;

    /// <summary>Every output file in node order, with its bytes when <see cref="RunOptions.DownloadImages"/> was set.</summary>
    public IReadOnlyList<DownloadedFile> Images { get; init; } = [];
}

/// <summary>An output image of a run.</summary>
/// <param name="NodeId">The node that produced it.</param>
/// <param name="File">Where it is on the server.</param>
/// <param name="Bytes">Its bytes, or null when not downloaded.</param>
public sealed record DownloadedFile(string NodeId, OutputFile File, byte[]? Bytes);
