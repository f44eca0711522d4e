namespace ComfySharp.Client;

/// <summary>Options of <see cref="ComfyClient.RunAsync(Workflows.Workflow, RunOptions?, CancellationToken)"/>.</summary>
public sealed record RunOptions
{
    /// <summary>Fields of <c>POST /prompt</c>; a missing prompt id is generated so events can be matched before the answer arrives.</summary>
    public QueueOptions Queue { get; init; } = new();

    /// <summary>Download every output image through <c>/view</c> into <see cref="PromptResult.Images"/>.</summary>
    public bool DownloadImages { get; init; }

    /// <summary>Throw <see cref="ComfyExecutionException"/> when the prompt fails or is interrupted (default); false returns the result.</summary>
    public bool ThrowOnFailure { get; init; } = true;

    /// <summary>Called with every event of this prompt (on the socket's receive loop: return quickly).</summary>
    public IObserver<Events.ComfyEvent>? Observer { get; init; }
}
