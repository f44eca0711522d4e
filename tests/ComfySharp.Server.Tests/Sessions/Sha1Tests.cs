using System.Security.Cryptography;
using System.Text;
using ComfySharp.Server.Sessions;

namespace ComfySharp.Server.Tests.Sessions;

public sealed class Sha1Tests
{
    [Theory]
    [InlineData("", "da39a3ee5e6b4b0d3255bfef95601890afd80709")]
    [InlineData("abc", "a9993e364706816aba3e25717850c26c9cd0d89d")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1")]
    public void Known_digests(string message, string expected)
    {
        var hash = new byte[Sha1.HashBytes];
        Sha1.Hash(Encoding.ASCII.GetBytes(message), hash);
        Assert.Equal(expected, Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void Agrees_with_the_platform_at_every_length_around_the_block_edges()
    {
        var random = new Random(6455);
        for (var length = 0; length <= 300; length++)
        {
            var message = new byte[length];
            random.NextBytes(message);
            var hash = new byte[Sha1.HashBytes];
            Sha1.Hash(message, hash);
#pragma warning disable CA5350 // the handshake's hash is SHA-1 by RFC 6455; the platform's is the reference here
            Assert.Equal(SHA1.HashData(message), hash);
#pragma warning restore CA5350
        }
    }

    [Fact]
    public void Accept_key_of_the_rfc_6455_example()
    {
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
    }
}
