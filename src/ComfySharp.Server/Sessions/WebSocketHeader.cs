using System.Buffers.Binary;

namespace ComfySharp.Server.Sessions;

/// <summary>The header of an unmasked, unfragmented server-to-client WebSocket frame (RFC 6455 §5.2).</summary>
internal static class WebSocketHeader
{
    private const byte Fin = 0x80;
    private const byte TextOpcode = 0x1;
    private const byte BinaryOpcode = 0x2;

    /// <summary>The most bytes a header takes.</summary>
    public const int MaxLength = 10;

    /// <summary>Bytes the header of a frame with <paramref name="payloadLength"/> bytes takes.</summary>
    public static int LengthFor(int payloadLength) => payloadLength < 126 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10;

    /// <summary>Writes a final text frame's header into <paramref name="destination"/>, which is <see cref="LengthFor"/> bytes.</summary>
    public static void WriteText(Span<byte> destination, int payloadLength) => Write(destination, payloadLength, isText: true);

    /// <summary>Writes a final text or binary frame's header; returns its length (<see cref="LengthFor"/>).</summary>
    public static int Write(Span<byte> destination, int payloadLength, bool isText)
    {
        destination[0] = (byte)(Fin | (isText ? TextOpcode : BinaryOpcode));
        if (payloadLength < 126)
        {
            destination[1] = (byte)payloadLength; // no mask bit: the server never masks
            return 2;
        }
        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            return 4;
        }
        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
        return 10;
    }

    /// <summary>The header length of a frame this class wrote, read from its second byte.</summary>
    public static int Length(ReadOnlySpan<byte> frame) => (frame[1] & 0x7F) switch
    {
        126 => 4,
        127 => 10,
        _ => 2,
    };
}
