using Microsoft.Extensions.Logging;

namespace ComfySharp.Client;

/// <summary>How a <see cref="ComfyClient"/> reaches its server.</summary>
public sealed record ComfyClientOptions
{
    /// <summary>The server, e.g. <c>http://127.0.0.1:8188/</c>. Null uses the HttpClient's <see cref="HttpClient.BaseAddress"/>.</summary>
    public Uri? BaseAddress { get; init; }

    /// <summary>The WebSocket client id (<c>clientId</c>, sent as <c>client_id</c> with prompts). Default: a new random id; kept across reconnects.</summary>
    public string ClientId { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>Ask for type-4 previews with metadata (<c>supports_preview_metadata</c>). Default true.</summary>
    public bool SupportsPreviewMetadata { get; init; } = true;

    /// <summary>Backoff between reconnect attempts.</summary>
    public ReconnectPolicy Reconnect { get; init; } = new();

    /// <summary>What calls needing the socket do while it is down.</summary>
    public DisconnectedBehavior WhenDisconnected { get; init; } = DisconnectedBehavior.Wait;

    /// <summary>Clock for backoff delays (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Source of jitter in [0, 1). Default <see cref="Random.Shared"/>.</summary>
    public Func<double> Random { get; init; } = System.Random.Shared.NextDouble;

    /// <summary>Logs connection changes and dropped events. Default: none.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Events buffered per <see cref="ComfyClient.ReadEventsAsync"/> reader before the oldest are dropped (and logged). Default 10,000.</summary>
    public int EventBufferCapacity { get; init; } = 10_000;

    /// <summary>Extra feature flags to announce besides <c>supports_preview_metadata</c>.</summary>
    public IReadOnlyDictionary<string, bool>? FeatureFlags { get; init; }
}
