using System.Security.Cryptography;
using System.Text.Json;
using ComfySharp.Diffusion.Sampling;

namespace ComfySharp.Diffusion.Tests.Sampling;

/// <summary>
/// <see cref="TorchGenerator"/> against Fixtures/torch_randn.json, written by Fixtures/torch_randn.py with PyTorch's own
/// CPU generator: every float must have the same bits.
/// </summary>
public sealed class TorchGeneratorTests
{
    public static TheoryData<int> CaseIndices()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Fixture.RootElement.GetProperty("cases").GetArrayLength(); i++) data.Add(i);
        return data;
    }

    private static readonly JsonDocument Fixture =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sampling", "Fixtures", "torch_randn.json")));

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Randn_matches_pytorch_bit_for_bit(int index)
    {
        var testCase = Fixture.RootElement.GetProperty("cases")[index];
        var seed = ulong.Parse(testCase.GetProperty("seed").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var generator = new TorchGenerator(seed);
        var call = 0;
        foreach (var expected in testCase.GetProperty("calls").EnumerateArray())
        {
            var count = 1;
            foreach (var d in expected.GetProperty("shape").EnumerateArray()) count *= d.GetInt32();
            var values = generator.Normal(count);
            var bytes = new byte[count * 4];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            var what = $"seed {seed}, {testCase.GetProperty("kind").GetString()}, call {call}, {count} elements";
            if (expected.TryGetProperty("bits", out var bits)) Assert.Equal(bits.GetString(), Convert.ToHexStringLower(bytes));
            else Assert.Equal(expected.GetProperty("head_bits").GetString(), Convert.ToHexStringLower(bytes.AsSpan(0, 256)));
            Assert.True(expected.GetProperty("sha256").GetString() == Convert.ToHexStringLower(SHA256.HashData(bytes)), what);
            call++;
        }
    }
}

public sealed class InitialNoiseTests
{
    [Fact]
    public void Whole_batch_is_one_draw()
    {
        Assert.Equal(new TorchGenerator(5).Normal(2 * 4 * 8 * 8), InitialNoise.Prepare(5, [2, 4, 8, 8]));
    }

    [Fact]
    public void Batch_index_picks_per_sample_draws_in_order()
    {
        var g = new TorchGenerator(9);
        var draws = Enumerable.Range(0, 3).Select(_ => g.Normal(4 * 4 * 4)).ToArray();
        var noise = InitialNoise.Prepare(9, [3, 4, 4, 4], [2, 0, 2]);
        Assert.Equal([.. draws[2], .. draws[0], .. draws[2]], noise);
        Assert.Throws<ArgumentException>(() => InitialNoise.Prepare(9, [2, 4, 4, 4], [0]));
        Assert.Throws<ArgumentException>(() => InitialNoise.Prepare(9, [1, 0, 4, 4]));
    }
}
