namespace ComfySharp.Server.Sessions;

/// <summary>
/// One frame waiting in a session's outbox. The bytes are immutable and may be shared by many sessions.
/// Sheddable frames (previews, progress) are the first dropped for a client that falls behind.
/// </summary>
internal readonly record struct OutboundFrame(ReadOnlyMemory<byte> Data, bool IsText, bool Sheddable);
