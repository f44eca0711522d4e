using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace ComfySharp.Nodes.Image.Codec;

/// <summary>
/// PNG text chunks, which Skia's encoder cannot write: <c>tEXt</c> chunks (length, type, Latin-1 keyword, NUL, text, CRC-32)
/// inserted right after IHDR, where Pillow writes its <c>PngInfo</c>; and reading <c>tEXt</c>, <c>zTXt</c> and <c>iTXt</c> back.
/// </summary>
public static class PngText
{
    private const int SignatureLength = 8;
    private static readonly Encoding Latin1 = Encoding.Latin1;

    /// <summary>A copy of <paramref name="png"/> with one <c>tEXt</c> chunk per entry, in order.</summary>
    public static byte[] Insert(ReadOnlySpan<byte> png, IReadOnlyList<KeyValuePair<string, string>> texts)
    {
        if (texts.Count == 0) return png.ToArray();
        var ihdrEnd = SignatureLength + 8 + ReadLength(png, SignatureLength) + 4;
        using var output = new MemoryStream(png.Length + 256);
        output.Write(png[..ihdrEnd]);
        foreach (var (key, value) in texts)
        {
            // Keywords are 1-79 Latin-1 characters; json.dumps output is ASCII, so Latin-1 text is lossless here.
            if (key.Length is 0 or > 79) throw new ArgumentException($"PNG text keyword '{key}' must be 1 to 79 characters.", nameof(texts));
            var data = new byte[Latin1.GetByteCount(key) + 1 + Latin1.GetByteCount(value)];
            var n = Latin1.GetBytes(key, data);
            data[n] = 0;
            Latin1.GetBytes(value, data.AsSpan(n + 1));
            WriteChunk(output, "tEXt"u8, data);
        }
        output.Write(png[ihdrEnd..]);
        return output.ToArray();
    }

    /// <summary>Every text chunk of the PNG by keyword (later chunks win), as Pillow's <c>img.text</c>.</summary>
    public static Dictionary<string, string> Read(ReadOnlySpan<byte> png)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var offset = SignatureLength;
        while (offset + 12 <= png.Length)
        {
            var length = ReadLength(png, offset);
            if (length < 0 || offset + 12L + length > png.Length) break;
            var type = png.Slice(offset + 4, 4);
            var data = png.Slice(offset + 8, length);
            if (type.SequenceEqual("tEXt"u8)) ReadText(data, texts);
            else if (type.SequenceEqual("zTXt"u8)) ReadCompressedText(data, texts);
            else if (type.SequenceEqual("iTXt"u8)) ReadInternationalText(data, texts);
            else if (type.SequenceEqual("IEND"u8)) break;
            offset += 12 + length;
        }
        return texts;
    }

    public static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }

    private static int ReadLength(ReadOnlySpan<byte> png, int offset) => BinaryPrimitives.ReadInt32BigEndian(png[offset..]);

    private static void ReadText(ReadOnlySpan<byte> data, Dictionary<string, string> texts)
    {
        var nul = data.IndexOf((byte)0);
        if (nul <= 0) return;
        texts[Latin1.GetString(data[..nul])] = Latin1.GetString(data[(nul + 1)..]);
    }

    private static void ReadCompressedText(ReadOnlySpan<byte> data, Dictionary<string, string> texts)
    {
        var nul = data.IndexOf((byte)0);
        if (nul <= 0 || nul + 2 > data.Length) return;
        if (Inflate(data[(nul + 2)..]) is { } text) texts[Latin1.GetString(data[..nul])] = Latin1.GetString(text);
    }

    private static void ReadInternationalText(ReadOnlySpan<byte> data, Dictionary<string, string> texts)
    {
        // keyword NUL flag method language NUL translated-keyword NUL text
        var nul = data.IndexOf((byte)0);
        if (nul <= 0 || nul + 3 > data.Length) return;
        var compressed = data[nul + 1] == 1;
        var rest = data[(nul + 3)..];
        var language = rest.IndexOf((byte)0);
        if (language < 0) return;
        rest = rest[(language + 1)..];
        var translated = rest.IndexOf((byte)0);
        if (translated < 0) return;
        rest = rest[(translated + 1)..];
        var text = compressed ? Inflate(rest) : rest.ToArray();
        if (text is not null) texts[Latin1.GetString(data[..nul])] = Encoding.UTF8.GetString(text);
    }

    private static byte[]? Inflate(ReadOnlySpan<byte> zlib)
    {
        try
        {
            using var input = new MemoryStream(zlib.ToArray());
            using var z = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            z.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
