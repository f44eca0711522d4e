namespace ComfySharp.Diffusion.Text;

/// <summary>
/// ComfyUI's SD 1.x prompt tokenization: weighted segments (<see cref="PromptWeights"/>), each tokenized on its own
/// (an <c>embedding:name</c> inside becomes that embedding's vectors), then packed into chunks of 77: start token,
/// up to 75 tokens, end token, padded with the end token. A segment that does not fit the current chunk starts the
/// next one, unless it has 8 tokens or more, in which case it is split across chunks.
/// </summary>
internal sealed class SdTokenizer(ClipBpeTokenizer bpe, EmbeddingLibrary? embeddings, int width, int maxLength = 77)
{
    private const string EmbeddingPrefix = "embedding:";
    /// <summary>Segments this long may be split between chunks (ComfyUI's max_word_length).</summary>
    private const int MaxUnsplitLength = 8;

    /// <summary>Problems that do not stop encoding (a missing or mismatched embedding), as ComfyUI only warns about them.</summary>
    public List<string> Warnings { get; } = [];

    public List<PromptToken[]> Tokenize(string prompt)
    {
        var groups = new List<List<PromptToken>>();
        foreach (var (segment, weight) in PromptWeights.Parse(prompt))
        {
            foreach (var piece in SplitEmbeddings(segment))
            {
                var word = piece;
                if (word.StartsWith(EmbeddingPrefix, StringComparison.Ordinal) && embeddings is not null)
                {
                    var spec = word[EmbeddingPrefix.Length..].Trim('\n');
                    var (vectors, leftover) = FindEmbedding(spec);
                    if (vectors is not null) groups.Add([.. vectors.Select(v => new PromptToken(-1, (float)weight, v))]);
                    if (leftover.Length == 0) continue;
                    word = leftover;
                }
                groups.Add([.. bpe.Encode(word).Select(id => new PromptToken(id, (float)weight))]);
            }
        }
        return Pack(groups);
    }

    /// <summary>ComfyUI splits a segment before every " embedding:" or "\nembedding:".</summary>
    private static List<string> SplitEmbeddings(string segment)
    {
        var pieces = new List<string>();
        var start = 0;
        for (var i = 0; i < segment.Length; i++)
        {
            if ((segment[i] == ' ' || segment[i] == '\n') && string.CompareOrdinal(segment, i + 1, EmbeddingPrefix, 0, EmbeddingPrefix.Length) == 0)
            {
                pieces.Add(segment[start..i]);
                start = i + 1;
            }
        }
        pieces.Add(segment[start..]);
        pieces.RemoveAll(p => p.Length == 0);
        return pieces;
    }

    private (float[][]? Vectors, string Leftover) FindEmbedding(string spec)
    {
        var parts = spec.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return (null, "");
        var name = parts[0];
        var leftover = string.Join(' ', parts.Skip(1));
        var vectors = embeddings!.Find(name);
        if (vectors is null)
        {
            var stripped = name.Trim(',');
            if (stripped.Length < name.Length)
            {
                vectors = embeddings.Find(stripped);
                leftover = name[stripped.Length..] + " " + leftover;
            }
        }
        if (vectors is null)
        {
            Warnings.Add($"embedding:{name} does not exist, ignoring");
            return (null, leftover);
        }
        if (vectors.Any(v => v.Length != width))
        {
            Warnings.Add($"embedding:{name} has vectors of width {vectors[0].Length}, this text encoder needs {width}; ignoring it");
            return (null, leftover);
        }
        return (vectors, leftover);
    }

    private List<PromptToken[]> Pack(List<List<PromptToken>> groups)
    {
        var start = new PromptToken(bpe.StartToken, 1);
        var end = new PromptToken(bpe.EndToken, 1);
        var chunks = new List<List<PromptToken>>();
        var chunk = new List<PromptToken> { start };
        chunks.Add(chunk);
        foreach (var g in groups)
        {
            var group = g;
            var splittable = group.Count >= MaxUnsplitLength;
            while (group.Count > 0)
            {
                if (group.Count + chunk.Count > maxLength - 1)
                {
                    var room = maxLength - chunk.Count - 1;
                    if (splittable)
                    {
                        chunk.AddRange(group.Take(room));
                        chunk.Add(end);
                        group = group.Skip(room).ToList();
                    }
                    else
                    {
                        chunk.Add(end);
                        for (var i = 0; i < room; i++) chunk.Add(end);
                    }
                    chunk = [start];
                    chunks.Add(chunk);
                }
                else
                {
                    chunk.AddRange(group);
                    group = [];
                }
            }
        }
        chunk.Add(end);
        while (chunk.Count < maxLength) chunk.Add(end);
        return chunks.Select(c => c.ToArray()).ToList();
    }
}
