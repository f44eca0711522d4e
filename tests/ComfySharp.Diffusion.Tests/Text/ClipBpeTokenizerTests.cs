using ComfySharp.Diffusion.Tests.Infrastructure;
using ComfySharp.Diffusion.Text;

namespace ComfySharp.Diffusion.Tests.Text;

public sealed class ClipBpeTokenizerTests
{
    private static readonly Dictionary<string, int> Vocab = TinyVocabulary.Vocab();

    private static int Id(string token) => Vocab[token];

    [Fact]
    public void Words_merge_by_rank_with_end_of_word_marks()
    {
        var bpe = TinyVocabulary.Create();
        Assert.Equal([Id("cat</w>"), Id("dog</w>"), Id("red</w>")], bpe.Encode("cat dog red"));
        // "cats": c+a → ca, then no merge reaches "t" (not word-final) → ca, t, s</w>.
        Assert.Equal([Id("ca"), Id("t"), Id("s</w>")], bpe.Encode("cats"));
        // "at" alone is one token; "a" alone gets the end-of-word mark.
        Assert.Equal([Id("at</w>"), Id("a</w>")], bpe.Encode("at a"));
    }

    [Fact]
    public void Text_is_cleaned_and_lower_cased_and_split_like_clip()
    {
        var bpe = TinyVocabulary.Create();
        Assert.Equal(bpe.Encode("cat, dog"), bpe.Encode("  CAT,\t\n DOG  "));
        // Punctuation runs are their own pieces; each digit is its own piece.
        Assert.Equal([Id("cat</w>"), Id("!"), Id("!</w>"), Id("1</w>"), Id("2</w>")], bpe.Encode("cat!! 12"));
        // "'s" splits off; non-ASCII goes through the byte map.
        Assert.Equal([Id("cat</w>"), Id("'"), Id("s</w>")], bpe.Encode("cat's"));
        var e = bpe.Encode("é");
        Assert.Equal(2, e.Count);
        Assert.Equal("a b", ClipBpeTokenizer.Clean("A\u200Bb".Replace("\u200B", " \u200B", StringComparison.Ordinal)));
        Assert.Equal("x 中 y", ClipBpeTokenizer.Clean("x中y"));
    }

    [Fact]
    public void Special_tokens_in_text_map_to_their_ids()
    {
        var bpe = TinyVocabulary.Create();
        Assert.Equal([bpe.EndToken, Id("cat</w>")], bpe.Encode("<|endoftext|>cat"));
    }

    [Fact]
    public void Loads_from_vocab_json_and_merges_txt()
    {
        using var temp = new TempFolder();
        var bpe = ClipBpeTokenizer.Load(TinyVocabulary.WriteTo(temp.File("tok")));
        Assert.Equal([Id("cat</w>")], bpe.Encode("cat"));
        Assert.Equal(Vocab.Count - 2, bpe.StartToken);
        Assert.Equal(Vocab.Count - 1, bpe.EndToken);
    }

    [Fact]
    public void Bad_tokenizer_folders_are_explained()
    {
        using var temp = new TempFolder();
        Assert.Contains("needs vocab.json and merges.txt", Assert.Throws<FileNotFoundException>(() => ClipBpeTokenizer.Load(temp.Path)).Message);
        TinyVocabulary.WriteTo(temp.Path);
        File.WriteAllText(temp.File("vocab.json"), "[1,2]");
        Assert.Contains("vocab.json", Assert.Throws<InvalidDataException>(() => ClipBpeTokenizer.Load(temp.Path)).Message);
        TinyVocabulary.WriteTo(temp.Path);
        File.WriteAllLines(temp.File("merges.txt"), ["#version: 0.2", "nospace"]);
        Assert.Contains("not a pair", Assert.Throws<InvalidDataException>(() => ClipBpeTokenizer.Load(temp.Path)).Message);
        // A merge whose result is not in the vocabulary: the files do not belong together.
        File.WriteAllLines(temp.File("merges.txt"), ["#version: 0.2", "x y</w>"]);
        var bpe = ClipBpeTokenizer.Load(temp.Path);
        Assert.Contains("no token 'xy</w>'", Assert.Throws<InvalidDataException>(() => bpe.Encode("xy")).Message);
    }
}
