using ComfySharp.Diffusion.Text;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Diffusion.Models;

/// <summary>CLIP: a checkpoint's text encoder with the layer to stop at (CLIPSetLastLayer; −1 = the last).</summary>
public sealed record SdClip(ModelCache Cache, string Path, int StopAtLayer = -1)
{
    /// <summary>LoRAs merged into the text encoder weights, in the order they were applied.</summary>
    public IReadOnlyList<LoraRef> Loras { get; init; } = [];

    /// <summary>The prompt as ComfyUI encodes it: [1, 77·chunks, width], plus warnings (missing embeddings).</summary>
    public (Tensor Cond, IReadOnlyList<string> Warnings) Encode(string text)
    {
        var bpe = Cache.Tokenizer();
        return Cache.WithCheckpoint(Path, Loras, ComfySharp.Diffusion.Lora.LoraTarget.Clip, checkpoint =>
        {
            var encoder = checkpoint.Clip;
            var tokenizer = new SdTokenizer(bpe, Cache.Embeddings(), encoder.Config.Width);
            var chunks = tokenizer.Tokenize(text);
            var data = encoder.Encode(chunks, StopAtLayer, bpe.StartToken, bpe.EndToken);
            return (new Tensor([1, data.Length / encoder.Config.Width, encoder.Config.Width], data), (IReadOnlyList<string>)tokenizer.Warnings);
        });
    }

    public override string ToString() => $"CLIP ({System.IO.Path.GetFileName(Path)}, stop at layer {StopAtLayer})";
}
