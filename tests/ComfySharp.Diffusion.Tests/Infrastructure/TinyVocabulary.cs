using System.Text.Json;
using ComfySharp.Diffusion.Text;

namespace ComfySharp.Diffusion.Tests.Infrastructure;

/// <summary>
/// A small CLIP-format vocabulary the tests write themselves: the 512 byte symbols, a few merged words, then the two
/// special tokens (CLIP's order), saved as vocab.json + merges.txt.
/// </summary>
internal static class TinyVocabulary
{
    public static readonly (string, string)[] Merges =
    [
        ("c", "a"), ("ca", "t</w>"), ("d", "o"), ("do", "g</w>"), ("r", "e"), ("re", "d</w>"), ("a", "t</w>"), ("c", "at</w>"),
    ];

    public static Dictionary<string, int> Vocab()
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in ClipBpeTokenizer.ByteSymbols()) vocab[s] = vocab.Count;
        foreach (var (a, b) in Merges) vocab.TryAdd(a + b, vocab.Count);
        vocab[ClipBpeTokenizer.StartText] = vocab.Count;
        vocab[ClipBpeTokenizer.EndText] = vocab.Count;
        return vocab;
    }

    public static ClipBpeTokenizer Create() => new(Vocab(), Merges);

    public static string WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "vocab.json"), JsonSerializer.Serialize(Vocab()));
        File.WriteAllLines(Path.Combine(folder, "merges.txt"), ["#version: 0.2", .. Merges.Select(m => m.Item1 + " " + m.Item2)]);
        return folder;
    }
}
