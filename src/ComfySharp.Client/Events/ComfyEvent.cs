using System.Text.Json.Nodes;

namespace ComfySharp.Client.Events;

/// <summary>
/// One message from the server's WebSocket (protocol.md §3.3, §3.4). JSON events keep their raw <see cref="Data"/>; the
/// subclasses add typed properties. An event type this SDK does not know arrives as <see cref="UnknownEvent"/>.
/// </summary>
public abstract record ComfyEvent
{
    /// <summary>The event's <c>type</c> (for binary frames: <c>preview_image</c> or <c>progress_text</c>).</summary>
    public abstract string Type { get; }

    /// <summary>The prompt the event belongs to, when the wire or the SDK's tracking of the running prompt says so.</summary>
    public virtual string? PromptId => null;

    /// <summary>The event's raw <c>data</c> object (null for binary frames).</summary>
    public JsonObject? Data { get; init; }
}
