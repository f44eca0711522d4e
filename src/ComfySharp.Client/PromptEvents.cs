using System.Threading.Channels;
using ComfySharp.Client.Events;

namespace ComfySharp.Client;

/// <summary>
/// One prompt's events as an async stream (<see cref="ComfyClient.WatchPrompt"/>): buffered from the moment it was created, ending
/// when the prompt is done. Enumerate it once; dispose it to stop early.
/// </summary>
public sealed class PromptEvents : IAsyncEnumerable<ComfyEvent>, IDisposable
{
    private readonly Channel<ComfyEvent> _channel = Channel.CreateUnbounded<ComfyEvent>(new UnboundedChannelOptions { SingleReader = true });
    private IDisposable? _subscription;
    private int _enumerated;

    internal PromptEvents(string promptId)
    {
        PromptId = promptId;
        Observer = new ChannelObserver(_channel.Writer);
    }

    /// <summary>The prompt watched.</summary>
    public string PromptId { get; }

    /// <summary>What the client calls; it feeds the stream.</summary>
    internal IObserver<ComfyEvent> Observer { get; }

    internal void Attach(IDisposable subscription) => _subscription = subscription;

    /// <summary>The events until the prompt is done; throws <see cref="ObjectDisposedException"/> if the client is disposed first.</summary>
    public IAsyncEnumerator<ComfyEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0) throw new InvalidOperationException("A prompt's events can be enumerated once.");
        return _channel.Reader.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    /// <summary>Stops watching; an enumeration in progress ends.</summary>
    public void Dispose()
    {
        _subscription?.Dispose();
        _channel.Writer.TryComplete();
    }

    private sealed class ChannelObserver(ChannelWriter<ComfyEvent> writer) : IObserver<ComfyEvent>
    {
        public void OnNext(ComfyEvent value) => writer.TryWrite(value);

        public void OnCompleted() => writer.TryComplete();

        public void OnError(Exception error) => writer.TryComplete(error);
    }
}
