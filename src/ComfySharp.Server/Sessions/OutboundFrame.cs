namespace ComfySharp.Server.Sessions;

/// <summary>
/// One frame waiting in a session's outbox. The bytes are immutable and may be shared by many sessions.
/// Sheddable frames (previews, progress) are the first dropped for a client that falls behind.
/// A <see cref="Framed"/> frame already starts with its WebSocket header (<see cref="WebSocketHeader"/>): server frames are
/// unmasked, so one copy of the bytes serves every recipient and goes to the connection as it is.
/// </summary>
internal readonly record struct OutboundFrame(ReadOnlyMemory<byte> Data, bool IsText, bool Sheddable, bool Framed = false)
{
    /// <summary>A text event from <see cref="EventFrames"/>, header included.</summary>
    public static OutboundFrame Event(byte[] framed, bool sheddable = false) => new(framed, true, sheddable, true);

    /// <summary>The message without its header.</summary>
    public ReadOnlyMemory<byte> Payload => Framed ? Data[WebSocketHeader.Length(Data.Span)..] : Data;
}
