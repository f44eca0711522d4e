namespace ComfySharp.Engine.Execution;

/// <summary>
/// What <c>POST /free</c> with <c>unload_models</c> (or <c>free_memory</c>, which implies it in ComfyUI) calls: node packs that
/// keep models loaded between prompts register how to free them. Handlers run on a background thread and may wait for
/// model calls in progress; they must not fail.
/// </summary>
public sealed class ModelUnloading
{
    private readonly List<Action> _handlers = [];
    private readonly Lock _lock = new();

    public void Register(Action unload)
    {
        lock (_lock) _handlers.Add(unload);
    }

    /// <summary>Starts every handler and returns at once (ComfyUI answers <c>/free</c> before unloading).</summary>
    public Task UnloadAllAsync()
    {
        Action[] handlers;
        lock (_lock) handlers = [.. _handlers];
        return handlers.Length == 0 ? Task.CompletedTask : Task.Run(() =>
        {
            foreach (var h in handlers) h();
        });
    }
}
