using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;
using ComfySharp.Diffusion.Text;

namespace ComfySharp.Diffusion.Tests.Text;

public sealed class SdTokenizerTests : IDisposable
{
    private static readonly Dictionary<string, int> Vocab = TinyVocabulary.Vocab();
    private readonly TempFolder _temp = new();
    private readonly ClipBpeTokenizer _bpe = TinyVocabulary.Create();

    public void Dispose() => _temp.Dispose();

    private int Cat => Vocab["cat</w>"];
    private int Dog => Vocab["dog</w>"];

    [Fact]
    public void Short_prompt_is_one_chunk_of_77_padded_with_the_end_token()
    {
        var chunks = new SdTokenizer(_bpe, null, 8).Tokenize("cat (dog:1.5)");
        var chunk = Assert.Single(chunks);
        Assert.Equal(77, chunk.Length);
        Assert.Equal(new PromptToken(_bpe.StartToken, 1), chunk[0]);
        Assert.Equal(new PromptToken(Cat, 1), chunk[1]);
        Assert.Equal(new PromptToken(Dog, 1.5f), chunk[2]);
        Assert.All(chunk[3..], t => Assert.Equal(new PromptToken(_bpe.EndToken, 1), t));
    }

    [Fact]
    public void Empty_prompt_is_start_then_end_tokens()
    {
        var chunk = Assert.Single(new SdTokenizer(_bpe, null, 8).Tokenize(""));
        Assert.Equal(_bpe.StartToken, chunk[0].Id);
        Assert.All(chunk[1..], t => Assert.Equal(_bpe.EndToken, t.Id));
    }

    [Fact]
    public void Long_segment_is_split_across_chunks()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("cat", 80));
        var chunks = new SdTokenizer(_bpe, null, 8).Tokenize(prompt);
        Assert.Equal(2, chunks.Count);
        Assert.All(chunks, c => Assert.Equal(77, c.Length));
        Assert.Equal(75, chunks[0].Count(t => t.Id == Cat));
        Assert.Equal(_bpe.EndToken, chunks[0][76].Id);
        Assert.Equal(_bpe.StartToken, chunks[1][0].Id);
        Assert.Equal(5, chunks[1].Count(t => t.Id == Cat));
    }

    [Fact]
    public void Short_segment_that_does_not_fit_moves_whole_to_the_next_chunk()
    {
        // 74 single-token words, then a weighted group of 3: it would need 77 + 1 positions, so it starts chunk 2.
        var prompt = string.Join(' ', Enumerable.Repeat("dog", 74)) + "(cat cat cat:1.2)";
        var chunks = new SdTokenizer(_bpe, null, 8).Tokenize(prompt);
        Assert.Equal(2, chunks.Count);
        Assert.Equal(74, chunks[0].Count(t => t.Id == Dog));
        Assert.DoesNotContain(chunks[0], t => t.Id == Cat);
        Assert.All(chunks[0][75..], t => Assert.Equal(_bpe.EndToken, t.Id));
        Assert.Equal([Cat, Cat, Cat], chunks[1][1..4].Select(t => t.Id));
        Assert.All(chunks[1][1..4], t => Assert.Equal(1.2f, t.Weight));
    }

    [Fact]
    public void Embeddings_become_their_vectors_with_the_segment_weight()
    {
        var folder = _temp.File("embeddings");
        Directory.CreateDirectory(Path.Combine(folder, "styles"));
        float[] vectors = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
        SafetensorsWriter.Write(Path.Combine(folder, "styles", "shiny.safetensors"),
            [TensorToWrite.FromFloats(EmbeddingLibrary.Key, SafetensorsDType.F32, [2, 8], vectors)]);
        var tokenizer = new SdTokenizer(_bpe, new EmbeddingLibrary([folder]), 8);

        var chunk = tokenizer.Tokenize("cat (embedding:shiny:1.3) dog")[0];
        Assert.Equal(Cat, chunk[1].Id);
        Assert.Equal(-1, chunk[2].Id);
        Assert.Equal(vectors[..8], chunk[2].Embedding);
        Assert.Equal(vectors[8..], chunk[3].Embedding);
        Assert.Equal(1.3f, chunk[3].Weight);
        Assert.Equal(Dog, chunk[4].Id);
        Assert.Empty(tokenizer.Warnings);

        // Trailing text after the name is tokenized; a trailing comma is tolerated.
        chunk = tokenizer.Tokenize("embedding:shiny, cat")[0];
        Assert.Equal([-1, -1, Vocab[",</w>"], Cat], chunk[1..5].Select(t => t.Id));
    }

    [Fact]
    public void Missing_wrong_width_or_escaping_embeddings_are_warned_and_skipped()
    {
        var folder = _temp.File("embeddings");
        Directory.CreateDirectory(folder);
        SafetensorsWriter.Write(Path.Combine(folder, "wide.safetensors"), [TensorToWrite.FromFloats("emb_params", SafetensorsDType.F16, [1, 4], new float[4])]);
        SafetensorsWriter.Write(_temp.File("outside.safetensors"), [TensorToWrite.FromFloats("clip_l", SafetensorsDType.F32, [1, 8], new float[8])]);
        var tokenizer = new SdTokenizer(_bpe, new EmbeddingLibrary([folder]), 8);

        var chunk = tokenizer.Tokenize("embedding:nothere cat embedding:wide embedding:../outside dog")[0];
        Assert.Equal([Cat, Dog, _bpe.EndToken], chunk[1..4].Select(t => t.Id));
        Assert.Equal(3, tokenizer.Warnings.Count);
        Assert.Contains("embedding:nothere does not exist", tokenizer.Warnings[0]);
        Assert.Contains("width 4", tokenizer.Warnings[1]);
        Assert.Contains("embedding:../outside does not exist", tokenizer.Warnings[2]);
    }
}
