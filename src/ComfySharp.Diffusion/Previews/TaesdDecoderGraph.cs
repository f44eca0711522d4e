using ComfySharp.Diffusion.Onnx;

namespace ComfySharp.Diffusion.Previews;

/// <summary>
/// The TAESD decoder (the tiny autoencoder ComfyUI uses for <c>taesd</c> previews) as an ONNX graph whose weights point into its
/// <c>.safetensors</c> file. Layers are numbered as in the file: 0 soft clamp <c>tanh(x / 3) · 3</c>, 1 conv 3×3 (latent → 64),
/// 2 ReLU, then three times [three blocks, nearest 2× upsampling, conv 3×3 without bias], one more block and 19 conv 3×3 (64 → 3).
/// A block is <c>ReLU(conv(ReLU(conv(ReLU(conv(x))))) + x)</c> with its convs under <c>&lt;n&gt;.conv.0/2/4</c>.
/// Output: the decoder's raw [B, 8h, 8w, 3] (about 0..1; ComfyUI maps it to −1..1 and <c>preview_to_image</c> back, clamping).
/// </summary>
internal static class TaesdDecoderGraph
{
    public const string LatentName = "latent";
    public const string ImageName = "image";
    public const int Width = 64;

    public static OnnxGraph Build(IWeightCatalog weights, int latentChannels = 4)
    {
        var g = new OnnxGraph("taesd_decoder", weights);
        var x = g.Input(LatentName, OnnxDataType.Float, "batch", latentChannels, "height", "width");
        var h = g.Mul(g.Op("Tanh", [g.Div(x, g.Scalar(3))]), g.Scalar(3));
        h = g.Relu(g.Conv(h, "1", latentChannels, Width, 3));
        var layer = 3;
        for (var stage = 0; stage < 3; stage++)
        {
            for (var b = 0; b < 3; b++) h = Block(g, h, layer++);
            h = g.Upsample2x(h);
            layer++;
            h = g.Conv(h, layer.ToString(System.Globalization.CultureInfo.InvariantCulture), Width, Width, 3, bias: false);
            layer++;
        }
        h = Block(g, h, layer++);
        h = g.Conv(h, layer.ToString(System.Globalization.CultureInfo.InvariantCulture), Width, 3, 3);
        g.Output(g.Transpose(h, 0, 2, 3, 1), ImageName, OnnxDataType.Float, "batch", "image_height", "image_width", 3);
        return g;
    }

    private static Value Block(OnnxGraph g, Value x, int layer)
    {
        var p = layer.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".conv.";
        var h = g.Relu(g.Conv(x, p + "0", Width, Width, 3));
        h = g.Relu(g.Conv(h, p + "2", Width, Width, 3));
        h = g.Conv(h, p + "4", Width, Width, 3);
        return g.Relu(g.Add(h, x));
    }
}
