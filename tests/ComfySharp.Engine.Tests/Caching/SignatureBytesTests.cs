using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using ComfySharp.Engine.Caching;

namespace ComfySharp.Engine.Tests.Caching;

/// <summary>Gathered and hashed at once, a signature's pieces hash as they do fed to a streaming hasher one by one.</summary>
public sealed class SignatureBytesTests
{
    [Theory]
    [InlineData("")]
    [InlineData("StringConcatenate")]
    [InlineData("caf\u00e9 \U0001F600")]
    [InlineData(null)]
    public void Pieces_hash_as_the_streaming_hasher_hashes_them(string? text)
    {
        var s = text ?? new string('\u00e9', 70_000); // past the kept buffer, and grown in one step
        var bytes = new SignatureBytes();
        var stream = new XxHash128();
        var length = new byte[4];
        var tagged = new byte[9];
        for (var round = 0; round < 2; round++)
        {
            bytes.Reset();
            stream.Reset();
            bytes.AppendString(s);
            var utf8 = Encoding.UTF8.GetBytes(s);
            BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
            stream.Append(length);
            stream.Append(utf8);

            bytes.Append(0x05);
            stream.Append([0x05]);
            bytes.Append(0x02, -7);
            tagged[0] = 0x02;
            BinaryPrimitives.WriteInt64LittleEndian(tagged.AsSpan(1), -7);
            stream.Append(tagged);
            bytes.Append("\u0002is_changed"u8);
            stream.Append("\u0002is_changed"u8);
            bytes.Reserve(3)[..3].Fill(9);
            bytes.Advance(3);
            stream.Append([9, 9, 9]);

            Assert.Equal(stream.GetCurrentHashAsUInt128(), bytes.Hash());
        }
    }

    [Fact]
    public void Reset_starts_a_new_signature()
    {
        var bytes = new SignatureBytes();
        bytes.AppendString("a");
        var a = bytes.Hash();
        bytes.AppendString("b");
        Assert.NotEqual(a, bytes.Hash());
        bytes.Reset();
        bytes.AppendString("a");
        Assert.Equal(a, bytes.Hash());
    }
}
