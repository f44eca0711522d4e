using System.Buffers;
using System.Text.Json;

namespace ComfySharp.Engine.Queue;

/// <summary>
/// One JSON writer and buffer per thread for JSON that is copied out before the thread writes the next: the stored rows
/// of a prompt (its queue row, its history entry) cost one array each instead of a buffer, a writer and the array.
/// Not for nested use: a caller copies its JSON out and disposes before anything on the thread starts another.
/// </summary>
public ref struct ScratchJson
{
    // A buffer past this is not kept for the thread's next use, so one large prompt does not stay pinned to a thread.
    private const int KeptBufferBytes = 64 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private readonly ArrayBufferWriter<byte> _buffer;

    private ScratchJson(ArrayBufferWriter<byte> buffer, Utf8JsonWriter writer)
    {
        _buffer = buffer;
        Writer = writer;
    }

    public Utf8JsonWriter Writer { get; }

    /// <summary>What the writer has written (flushed first).</summary>
    public readonly ReadOnlySpan<byte> Written
    {
        get
        {
            Writer.Flush();
            return _buffer.WrittenSpan;
        }
    }

    /// <summary>
    /// Writes a one-byte stand-in value and returns where it stands, for <see cref="Queue.StandIn.Join"/> to put other bytes
    /// in its place: a large value (a prompt's bytes) then goes into the result once, and never through the scratch.
    /// </summary>
    public readonly int WriteStandIn()
    {
        Writer.WriteRawValue(Queue.StandIn.Utf8, skipInputValidation: true);
        Writer.Flush();
        return (int)Writer.BytesCommitted - Queue.StandIn.Utf8.Length;
    }

    /// <summary>The thread's writer, reset to write from the start of its empty buffer.</summary>
    public static ScratchJson Start()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer;
        if (writer is null) t_writer = writer = new Utf8JsonWriter(buffer);
        else writer.Reset(buffer);
        return new ScratchJson(buffer, writer);
    }

    public readonly void Dispose()
    {
        if (_buffer.Capacity <= KeptBufferBytes) return;
        t_buffer = null;
        t_writer = null;
    }
}
