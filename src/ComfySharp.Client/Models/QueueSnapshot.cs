namespace ComfySharp.Client;

/// <summary><c>GET /queue</c>: the running prompt(s) and the pending ones, sorted by number then id (the server sends heap order).</summary>
/// <param name="Running">Running prompts (at most one on a single-worker server).</param>
/// <param name="Pending">Pending prompts in the order they will run.</param>
public sealed record QueueSnapshot(IReadOnlyList<QueueItem> Running, IReadOnlyList<QueueItem> Pending)
{
    /// <summary>Whether <paramref name="promptId"/> is running or pending.</summary>
    public bool Contains(string promptId)
    {
        foreach (var item in Running)
        {
            if (item.PromptId == promptId) return true;
        }
        foreach (var item in Pending)
        {
            if (item.PromptId == promptId) return true;
        }
        return false;
    }
}
