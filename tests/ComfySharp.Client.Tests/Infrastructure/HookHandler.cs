namespace ComfySharp.Client.Tests.Infrastructure;

/// <summary>
/// An HTTP handler the test hands the SDK (as a caller's HttpClient): it reports when the server answered <c>POST /prompt</c> and can
/// act at that moment, before the SDK sees the answer (e.g. cut the connection so the answer is lost).
/// </summary>
internal sealed class HookHandler() : DelegatingHandler(new SocketsHttpHandler { UseProxy = false })
{
    private readonly TaskCompletionSource _promptAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Runs when the server has answered <c>POST /prompt</c>; an exception thrown here is what the SDK sees instead.</summary>
    public Action? OnPromptAnswered { get; set; }

    /// <summary>Runs before <c>POST /prompt</c> goes out; an exception thrown here is what the SDK sees (the server never gets it).</summary>
    public Action? OnPromptSending { get; set; }

    /// <summary>Completes once the SDK holds the answer to its first <c>POST /prompt</c>.</summary>
    public Task PromptAnswered => _promptAnswered.Task;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isPrompt = request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/prompt", StringComparison.Ordinal);
        if (isPrompt) OnPromptSending?.Invoke();
        var response = await base.SendAsync(request, cancellationToken);
        if (isPrompt)
        {
            // The whole answer is read here, so a connection cut afterwards cannot touch it.
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            try
            {
                OnPromptAnswered?.Invoke();
            }
            catch
            {
                response.Dispose();
                throw;
            }
            _promptAnswered.TrySetResult();
        }
        return response;
    }
}
