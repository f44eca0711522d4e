namespace ComfySharp.Client;

/// <summary>A prompt <see cref="ComfyClient.RunAsync(Workflows.Workflow, RunOptions?, CancellationToken)"/> waits for: done when <c>executing {node: null}</c> arrives or history shows it.</summary>
internal sealed class PromptWaiter(string promptId)
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string PromptId { get; } = promptId;

    public Task Task => _done.Task;

    /// <summary>Set once POST /prompt accepted it; only then can its absence from queue and history mean it was deleted.</summary>
    public volatile bool Queued;

    public void Done() => _done.TrySetResult();

    public void Fail(Exception error) => _done.TrySetException(error);
}
