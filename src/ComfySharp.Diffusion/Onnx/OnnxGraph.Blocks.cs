namespace ComfySharp.Diffusion.Onnx;

/// <summary>Blocks shared by the SD UNet and VAE: channel-first attention over the spatial positions.</summary>
internal sealed partial class OnnxGraph
{
    /// <summary>[B, C, H, W] → [B, H·W, C] (tokens for attention).</summary>
    public Value ToTokens(Value x, int channels) => Transpose(Reshape(x, 0, channels, -1), 0, 2, 1);

    /// <summary>[B, H·W, C] back to the shape of <paramref name="like"/> ([B, C, H, W]).</summary>
    public Value FromTokens(Value tokens, Value like) => Reshape(Transpose(tokens, 0, 2, 1), Shape(like));
}
