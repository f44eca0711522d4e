using System.Buffers.Binary;
using System.Text;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;

namespace ComfySharp.Diffusion.Tests.Safetensors;

public sealed class SafetensorsFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A file with the given header text (not validated here) and data bytes.</summary>
    private string Raw(string header, int dataBytes, ulong? claimedHeaderLength = null, string name = "bad.safetensors")
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + headerBytes.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimedHeaderLength ?? (ulong)headerBytes.Length);
        headerBytes.CopyTo(bytes, 8);
        var path = _temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static SafetensorsException Fails(string path) => Assert.Throws<SafetensorsException>(() => SafetensorsFile.Open(path).Dispose());

    [Fact]
    public void Round_trip_of_every_weight_dtype_and_metadata()
    {
        var path = _temp.File("ok.safetensors");
        float[] values = [1f, -2.5f, 0.333f, 65504f, -0.0001f, 3f];
        SafetensorsWriter.Write(path,
        [
            TensorToWrite.FromFloats("a.f32", SafetensorsDType.F32, [2, 3], values),
            TensorToWrite.FromFloats("b.f16", SafetensorsDType.F16, [3, 2], values),
            TensorToWrite.FromFloats("c.bf16", SafetensorsDType.BF16, [6], values),
            new TensorToWrite("d.ids", SafetensorsDType.I64, [1, 2], new byte[16]),
            new TensorToWrite("e.empty", SafetensorsDType.F32, [0, 4], Array.Empty<byte>()),
        ], new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafetensorsFile.Open(path);
        Assert.Equal("ok.safetensors", file.FileName);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(["a.f32", "b.f16", "c.bf16", "d.ids", "e.empty"], file.Tensors.Select(t => t.Name));
        Assert.Equal(values, file.ReadFloat32("a.f32"));
        Assert.Equal([3L, 2L], file.Get("b.f16").Shape);
        var f16 = file.ReadFloat32("b.f16");
        var bf16 = file.ReadFloat32("c.bf16");
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], f16[i], Math.Abs(values[i]) * 1e-3f);
            Assert.Equal(values[i], bf16[i], Math.Abs(values[i]) * 8e-3f);
        }
        Assert.Empty(file.ReadFloat32("e.empty"));
        Assert.Equal(16, file.Bytes(file.Get("d.ids")).Length);
        Assert.Equal(0, (long)file.Pointer(file.Get("a.f32")) % 8);
    }

    [Fact]
    public void Integer_tensors_are_listed_but_not_read_as_weights()
    {
        var path = _temp.File("ids.safetensors");
        SafetensorsWriter.Write(path, [new TensorToWrite("position_ids", SafetensorsDType.I64, [1, 2], new byte[16])]);
        using var file = SafetensorsFile.Open(path);
        var e = Assert.Throws<SafetensorsException>(() => file.ReadFloat32("position_ids"));
        Assert.Contains("'ids.safetensors'", e.Message);
        Assert.Contains("'position_ids' is I64", e.Message);
    }

    [Fact]
    public void Missing_tensor_is_named()
    {
        var path = _temp.File("ok.safetensors");
        SafetensorsWriter.Write(path, [TensorToWrite.FromFloats("w", SafetensorsDType.F32, [1], [1f])]);
        using var file = SafetensorsFile.Open(path);
        Assert.False(file.TryGet("nope", out _));
        Assert.Contains("no tensor 'nope'", Assert.Throws<SafetensorsException>(() => file.Get("nope")).Message);
    }

    [Fact]
    public void Missing_file()
    {
        var e = Fails(_temp.File("absent.safetensors"));
        Assert.Equal("absent.safetensors", e.FileName);
        Assert.Contains("does not exist", e.Message);
        Assert.DoesNotContain(_temp.Path, e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Shorter_than_the_length_field(int size)
    {
        var path = _temp.File("short.safetensors");
        File.WriteAllBytes(path, new byte[size]);
        Assert.Contains("too short for the 8-byte header length", Fails(path).Message);
    }

    [Fact]
    public void Header_longer_than_the_file_is_truncation()
    {
        var e = Fails(Raw("{}", 0, claimedHeaderLength: 4096));
        Assert.Contains("'bad.safetensors'", e.Message);
        Assert.Contains("claims 4096 bytes but the file has only 2", e.Message);
    }

    [Fact]
    public void Oversized_header_is_refused_before_reading_it()
    {
        Assert.Contains("limit", Fails(Raw("{}", 0, claimedHeaderLength: ulong.MaxValue)).Message);
        Assert.Contains("limit", Fails(Raw("{}", 0, claimedHeaderLength: 100_000_001)).Message);
    }

    [Theory]
    [InlineData("{\"a\": ", "not valid JSON")]
    [InlineData("[1, 2]", "JSON array, not an object")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, \"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", "not valid JSON")]
    [InlineData("{\"a\": 3}", "'a' is described by a JSON number")]
    [InlineData("{\"a\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", "'a' has no \"dtype\" string")]
    [InlineData("{\"a\": {\"dtype\": \"Q4_K\", \"shape\": [1], \"data_offsets\": [0, 4]}}", "unknown dtype \"Q4_K\"")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", "'a' has no \"shape\" array")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", "not a non-negative integer (-1)")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}", "not a non-negative integer (1.5)")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296], \"data_offsets\": [0, 4]}}", "too large to exist")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1]}}", "no \"data_offsets\" pair")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}", "no \"data_offsets\" pair")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [-4, 0]}}", "data offset that is not a non-negative integer")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 4]}}", "ends before it begins")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [16, 20]}}", "lies outside the file")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 9223372036854775807]}}", "lies outside the file")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", "(F32 [3]) needs 12 bytes but its data_offsets span 8")]
    [InlineData("{\"a\": {\"dtype\": \"F16\", \"shape\": [2, 2], \"data_offsets\": [0, 16]}}", "(F16 [2, 2]) needs 8 bytes but its data_offsets span 16")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", "'a' and 'b' overlap")]
    [InlineData("{\"__metadata__\": [1]}", "\"__metadata__\" is a JSON array")]
    [InlineData("{\"__metadata__\": {\"k\": 1}}", "metadata value \"k\" is a JSON number")]
    public void Lying_headers_are_named(string header, string problem)
    {
        var e = Fails(Raw(header, 16));
        Assert.Contains("'bad.safetensors' is not a usable safetensors file", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Header_that_is_not_utf8()
    {
        var path = _temp.File("bad.safetensors");
        var bytes = new byte[8 + 4];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 4);
        bytes[8] = (byte)'{';
        bytes[9] = 0xFF;
        bytes[10] = 0xFE;
        bytes[11] = (byte)'}';
        File.WriteAllBytes(path, bytes);
        Assert.Contains("not valid UTF-8", Fails(path).Message);
    }

    [Fact]
    public void Truncated_copy_of_a_good_file_fails_cleanly()
    {
        var path = _temp.File("good.safetensors");
        SafetensorsWriter.Write(path,
        [
            TensorToWrite.FromFloats("x", SafetensorsDType.F32, [4, 4], new float[16]),
            TensorToWrite.FromFloats("y", SafetensorsDType.F16, [8], new float[8]),
        ]);
        var bytes = File.ReadAllBytes(path);
        var cut = _temp.File("cut.safetensors");
        for (var length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(cut, bytes.AsSpan(0, length).ToArray());
            var e = Assert.Throws<SafetensorsException>(() => SafetensorsFile.Open(cut).Dispose());
            Assert.Equal("cut.safetensors", e.FileName);
        }
    }

    [Fact]
    public void Random_corruption_never_escapes_as_another_exception()
    {
        var path = _temp.File("good.safetensors");
        SafetensorsWriter.Write(path,
        [
            TensorToWrite.FromFloats("x", SafetensorsDType.F32, [4, 4], new float[16]),
            TensorToWrite.FromFloats("y", SafetensorsDType.BF16, [8], new float[8]),
        ], new Dictionary<string, string> { ["format"] = "pt" });
        var original = File.ReadAllBytes(path);
        var random = new Random(1234);
        var target = _temp.File("fuzz.safetensors");
        for (var round = 0; round < 500; round++)
        {
            var bytes = (byte[])original.Clone();
            var flips = random.Next(1, 4);
            for (var f = 0; f < flips; f++)
            {
                // Mostly the header, where corruption matters; the data section can hold any bytes.
                var at = random.Next(0, Math.Min(bytes.Length, 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(original)));
                bytes[at] = (byte)random.Next(256);
            }
            File.WriteAllBytes(target, bytes);
            try
            {
                using var file = SafetensorsFile.Open(target);
                foreach (var t in file.Tensors)
                {
                    Assert.InRange(t.Offset + t.ByteLength, 0, file.Length);
                    if (t.DType.IsWeightType()) file.ReadFloat32(t);
                }
            }
            catch (SafetensorsException e)
            {
                Assert.Equal("fuzz.safetensors", e.FileName);
            }
        }
    }

    [Fact]
    public void Disposed_file_refuses_access()
    {
        var path = _temp.File("ok.safetensors");
        SafetensorsWriter.Write(path, [TensorToWrite.FromFloats("w", SafetensorsDType.F32, [1], [1f])]);
        var file = SafetensorsFile.Open(path);
        var entry = file.Get("w");
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.Pointer(entry));
    }
}
