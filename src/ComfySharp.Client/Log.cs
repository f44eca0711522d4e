using Microsoft.Extensions.Logging;

namespace ComfySharp.Client;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Connected to {Uri} as {ClientId}")]
    public static partial void Connected(ILogger logger, Uri uri, string clientId);

    [LoggerMessage(2, LogLevel.Warning, "WebSocket lost; reconnect attempt {Attempt} in {Delay}")]
    public static partial void Reconnecting(ILogger logger, int attempt, TimeSpan delay, Exception? error);

    [LoggerMessage(3, LogLevel.Error, "Gave up reconnecting after {Attempts} attempts")]
    public static partial void GaveUp(ILogger logger, int attempts);

    [LoggerMessage(4, LogLevel.Warning, "An event reader fell behind; dropped a {EventType} event")]
    public static partial void EventDropped(ILogger logger, string eventType);

    [LoggerMessage(5, LogLevel.Debug, "Ignored a frame the SDK could not read ({Length} bytes)")]
    public static partial void BadFrame(ILogger logger, int length);

    [LoggerMessage(6, LogLevel.Information, "Prompt {PromptId} finished while the socket was down; read from history")]
    public static partial void Reconciled(ILogger logger, string promptId);

    [LoggerMessage(7, LogLevel.Warning, "Could not reconcile prompt {PromptId} after reconnecting")]
    public static partial void ReconcileFailed(ILogger logger, string promptId, Exception error);

    [LoggerMessage(8, LogLevel.Warning, "An event observer threw")]
    public static partial void ObserverFailed(ILogger logger, Exception error);

    [LoggerMessage(9, LogLevel.Warning, "POST /prompt of {PromptId} lost its connection; looking it up again (attempt {Attempt})")]
    public static partial void LookupRetry(ILogger logger, string promptId, int attempt);
}
