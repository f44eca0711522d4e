using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ComfySharp.Diffusion.Text;

/// <summary>
/// CLIP's byte-level BPE, as the Hugging Face CLIPTokenizer that ComfyUI uses applies it (without ftfy): control
/// characters dropped, CJK characters set apart, whitespace collapsed, lower-cased; pieces from CLIP's split pattern;
/// bytes mapped to printable characters; merges by rank with "&lt;/w&gt;" marking the end of a word.
/// Reads <c>vocab.json</c> (token → id) and <c>merges.txt</c> ("a b" per line after a "#version" header).
/// </summary>
internal sealed partial class ClipBpeTokenizer
{
    public const string StartText = "<|startoftext|>";
    public const string EndText = "<|endoftext|>";
    private const string EndOfWord = "</w>";

    /// <summary>CLIP uses the first 49152 − 256 − 2 merges of its list (the rest would exceed its vocabulary).</summary>
    private const int MaxMerges = 49152 - 256 - 2;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<(string, string), int> _ranks;
    private readonly Dictionary<string, string[]> _cache = new(StringComparer.Ordinal);
    private readonly Lock _cacheLock = new();
    private static readonly string[] ByteToChar = BuildByteMap();

    public ClipBpeTokenizer(Dictionary<string, int> vocab, IEnumerable<(string, string)> merges)
    {
        _vocab = vocab;
        _ranks = [];
        var rank = 0;
        foreach (var merge in merges)
        {
            if (rank >= MaxMerges) break;
            _ranks.TryAdd(merge, rank++);
        }
        StartToken = Id(StartText);
        EndToken = Id(EndText);
    }

    public int StartToken { get; }
    public int EndToken { get; }
    public int VocabSize => _vocab.Count;

    /// <summary>Loads <c>vocab.json</c> and <c>merges.txt</c> from a folder (a ComfyUI <c>sd1_tokenizer</c> or a diffusers <c>tokenizer</c> folder).</summary>
    public static ClipBpeTokenizer Load(string folder)
    {
        var vocabPath = Path.Combine(folder, "vocab.json");
        var mergesPath = Path.Combine(folder, "merges.txt");
        if (!File.Exists(vocabPath) || !File.Exists(mergesPath))
        {
            throw new FileNotFoundException($"The CLIP tokenizer folder '{Path.GetFileName(folder)}' needs vocab.json and merges.txt.");
        }
        Dictionary<string, int> vocab;
        try
        {
            vocab = JsonSerializer.Deserialize(File.ReadAllBytes(vocabPath), TokenizerJsonContext.Default.DictionaryStringInt32)
                ?? throw new InvalidDataException("vocab.json is null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"vocab.json is not a JSON object of token ids: {e.Message}", e);
        }
        return new ClipBpeTokenizer(vocab, ReadMerges(File.ReadLines(mergesPath, Encoding.UTF8)));
    }

    public static IEnumerable<(string, string)> ReadMerges(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            if (line.StartsWith("#version", StringComparison.Ordinal) || line.Length == 0) continue;
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || space == line.Length - 1) throw new InvalidDataException($"merges.txt has a line that is not a pair: '{line}'.");
            yield return (line[..space], line[(space + 1)..]);
        }
    }

    /// <summary>Token ids of <paramref name="text"/>, without start and end tokens.</summary>
    public List<int> Encode(string text)
    {
        var ids = new List<int>();
        var cleaned = Clean(text);
        foreach (Match piece in Pieces().Matches(cleaned))
        {
            if (piece.Value is StartText or EndText)
            {
                ids.Add(Id(piece.Value));
                continue;
            }
            foreach (var token in Bpe(ToByteChars(piece.Value))) ids.Add(Id(token));
        }
        return ids;
    }

    private int Id(string token) => _vocab.TryGetValue(token, out var id)
        ? id
        : throw new InvalidDataException($"The CLIP vocabulary has no token '{token}' (vocab.json and merges.txt do not belong together).");

    /// <summary>What the Hugging Face BasicTokenizer + whitespace_clean + lower() do to a prompt.</summary>
    internal static string Clean(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var c = rune.Value;
            if (c == 0 || c == 0xFFFD) continue;
            if (c is '\t' or '\n' or '\r')
            {
                sb.Append(' ');
                continue;
            }
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate) continue;
            if (IsCjk(c))
            {
                sb.Append(' ').Append(rune.ToString()).Append(' ');
                continue;
            }
            sb.Append(category == UnicodeCategory.SpaceSeparator ? " " : rune.ToString());
        }
        var words = sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(' ', words).ToLowerInvariant();
    }

    private static bool IsCjk(int c) =>
        c is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F)
            or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);

    /// <summary>CLIP's pre-tokenization pattern (case-insensitive).</summary>
    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pieces();

    private static string ToByteChars(string piece)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(piece)) sb.Append(ByteToChar[b]);
        return sb.ToString();
    }

    private string[] Bpe(string word)
    {
        lock (_cacheLock)
        {
            if (_cache.TryGetValue(word, out var cached)) return cached;
        }

        // Symbols are text elements of the byte-mapped word (all in the BMP); the last carries the end-of-word mark.
        var symbols = new List<string>(word.Length);
        for (var i = 0; i < word.Length; i++) symbols.Add(word[i].ToString());
        symbols[^1] += EndOfWord;

        while (symbols.Count > 1)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i < symbols.Count - 1; i++)
            {
                if (_ranks.TryGetValue((symbols[i], symbols[i + 1]), out var rank) && rank < bestRank)
                {
                    bestRank = rank;
                    best = i;
                }
            }
            if (best < 0) break;
            var (first, second) = (symbols[best], symbols[best + 1]);
            // Merge every occurrence of the pair, left to right, as the reference implementation does.
            var merged = new List<string>(symbols.Count);
            for (var i = 0; i < symbols.Count; i++)
            {
                if (i < symbols.Count - 1 && symbols[i] == first && symbols[i + 1] == second)
                {
                    merged.Add(first + second);
                    i++;
                }
                else
                {
                    merged.Add(symbols[i]);
                }
            }
            symbols = merged;
        }

        var result = symbols.ToArray();
        lock (_cacheLock)
        {
            if (_cache.Count < 100_000) _cache[word] = result;
        }
        return result;
    }

    /// <summary>GPT-2's reversible byte → printable character table.</summary>
    private static string[] BuildByteMap()
    {
        var map = new string[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = ((char)(printable ? b : next++)).ToString();
        }
        return map;
    }

    /// <summary>The base vocabulary every CLIP BPE vocabulary starts with (bytes, then bytes with "&lt;/w&gt;"), for tests that build their own.</summary>
    internal static IEnumerable<string> ByteSymbols()
    {
        foreach (var s in ByteToChar) yield return s;
        foreach (var s in ByteToChar) yield return s + EndOfWord;
    }
}
