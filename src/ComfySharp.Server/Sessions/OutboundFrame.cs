namespace ComfySharp.Server.Sessions;

/// <summary>
/// One frame waiting in a session's outbox. The bytes are immutable and may be shared by many sessions.
/// Sheddable frames (previews, progress) are the first dropped for a client that falls behind.
/// A <see cref="Framed"/> frame already starts with its WebSocket header (<see cref="WebSocketHeader"/>): server frames are
/// unmasked, so one copy of the bytes serves every recipient and goes to the connection as it is.
/// A <see cref="IsQueueStatus"/> frame equal to the one still waiting last in an outbox is dropped: it would tell the client
/// nothing new (the enqueue and the dequeue of a prompt both say the same queue length). Only an exact repeat goes: statuses
/// are raised from several threads, so a later one may carry an older count, and each distinct state must still arrive.
/// A <see cref="Deferred"/> frame has no bytes yet: its writer writes them as it sends it (<see cref="LaterEvent"/>).
/// </summary>
internal readonly record struct OutboundFrame(ReadOnlyMemory<byte> Data, bool IsText, bool Sheddable, bool Framed = false, bool IsQueueStatus = false)
{
    public LaterEvent? Deferred { get; private init; }

    /// <summary>A text event for one client, serialized when it is sent.</summary>
    public static OutboundFrame Later(LaterEvent deferred, bool sheddable = false) => new(default, true, sheddable) { Deferred = deferred };

    /// <summary>A text event from <see cref="EventFrames"/>, header included.</summary>
    public static OutboundFrame Event(byte[] framed, bool sheddable = false) => new(framed, true, sheddable, true);

    /// <summary>
    /// A broadcast <c>status</c> (queue change). Not the greeting: its <c>sid</c> is what the client reads from its first status.
    /// </summary>
    public static OutboundFrame QueueStatus(byte[] framed) => new(framed, true, false, true, IsQueueStatus: true);

    /// <summary>The message without its header (a deferred one is serialized into an array of its own).</summary>
    public ReadOnlyMemory<byte> Payload => Deferred is { } later ? later.Json().ToArray() : Framed ? Data[WebSocketHeader.Length(Data.Span)..] : Data;
}
