using System.Collections.Concurrent;
using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Onnx;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Text;
using Microsoft.ML.OnnxRuntime;

namespace ComfySharp.Diffusion.Graphs;

/// <summary>
/// Encodes tokenized prompts with the CLIP text graph, ComfyUI's way: every 77-token chunk is encoded, and when any
/// token carries a weight other than 1 the empty prompt is encoded too and each weighted position becomes
/// <c>empty + (z − empty) · weight</c>. Chunks are concatenated along the token axis: [1, 77·chunks, width].
/// One session per CLIPSetLastLayer depth, made on first use.
/// </summary>
internal sealed class ClipTextEncoder : IDisposable
{
    private const int Tokens = 77;
    private readonly ClipTextConfig _config;
    private readonly CheckpointWeights _weights;
    private readonly TensorEntry _tokenTable;
    private readonly ConcurrentDictionary<int, Lazy<OnnxModelSession>> _sessions = new();

    public ClipTextEncoder(ClipTextConfig config, CheckpointWeights weights)
    {
        _config = config;
        _weights = weights;
        _tokenTable = weights.File.Get(config.Prefix + "embeddings.token_embedding.weight");
    }

    public ClipTextConfig Config => _config;

    /// <param name="stopAtLayer">−1 = all layers (ComfyUI's default), −2 = stop one layer early, ...</param>
    public float[] Encode(IReadOnlyList<PromptToken[]> chunks, int stopAtLayer, int startToken, int endToken)
    {
        var layers = _config.Layers + 1 + stopAtLayer;
        if (stopAtLayer > -1 || layers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stopAtLayer), $"stop_at_clip_layer must be between -{_config.Layers} and -1, got {stopAtLayer}.");
        }
        var weighted = false;
        foreach (var chunk in chunks)
        {
            if (chunk.Length != Tokens) throw new ArgumentException($"Chunks must hold {Tokens} tokens.", nameof(chunks));
            foreach (var t in chunk) weighted |= t.Weight != 1f;
        }

        var batch = chunks.Count + (weighted || chunks.Count == 0 ? 1 : 0);
        var width = _config.Width;
        var embeds = new float[batch * Tokens * width];
        for (var b = 0; b < chunks.Count; b++)
        {
            for (var t = 0; t < Tokens; t++) Embed(chunks[b][t], embeds.AsSpan((b * Tokens + t) * width, width));
        }
        if (batch > chunks.Count)
        {
            // ComfyUI's empty prompt: start, end, then end tokens as padding.
            var offset = chunks.Count * Tokens;
            for (var t = 0; t < Tokens; t++) Embed(new PromptToken(t == 0 ? startToken : endToken, 1), embeds.AsSpan((offset + t) * width, width));
        }

        var hidden = Run(layers, embeds, batch);
        if (chunks.Count == 0) return hidden;
        var result = new float[chunks.Count * Tokens * width];
        hidden.AsSpan(0, result.Length).CopyTo(result);
        if (weighted)
        {
            var empty = hidden.AsSpan(chunks.Count * Tokens * width, Tokens * width);
            for (var b = 0; b < chunks.Count; b++)
            {
                for (var t = 0; t < Tokens; t++)
                {
                    var w = chunks[b][t].Weight;
                    if (w == 1f) continue;
                    var z = result.AsSpan((b * Tokens + t) * width, width);
                    var e = empty.Slice(t * width, width);
                    for (var i = 0; i < width; i++) z[i] = (z[i] - e[i]) * w + e[i];
                }
            }
        }
        return result;
    }

    private void Embed(PromptToken token, Span<float> destination)
    {
        if (token.Embedding is { } vector)
        {
            vector.CopyTo(destination);
            return;
        }
        if ((uint)token.Id >= (uint)_config.VocabSize)
        {
            throw new InvalidOperationException(
                $"Token id {token.Id} is outside this CLIP's vocabulary of {_config.VocabSize} (the tokenizer files do not belong to this checkpoint).");
        }
        var rowBytes = _config.Width * _tokenTable.DType.Size();
        var row = _weights.File.Bytes(_tokenTable).Slice(token.Id * rowBytes, rowBytes);
        WeightConversion.ToFloat32(_tokenTable.DType, row, destination);
    }

    private float[] Run(int layers, float[] embeds, int batch)
    {
        var session = _sessions.GetOrAdd(layers, n => new Lazy<OnnxModelSession>(
            () => OnnxModelSession.Create(ClipTextGraph.Build(_config, _weights, n, Tokens)))).Value;
        using var input = OrtValue.CreateTensorValueFromMemory(embeds, [batch, Tokens, _config.Width]);
        using var options = new RunOptions();
        using var outputs = session.Session.Run(options, [ClipTextGraph.Input], [input], [ClipTextGraph.Output]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        foreach (var s in _sessions.Values)
        {
            if (s.IsValueCreated) s.Value.Dispose();
        }
        _sessions.Clear();
    }
}
