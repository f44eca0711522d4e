using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Codec;

namespace ComfySharp.Nodes.Image;

/// <summary>IMAGE ([B,H,W,C], C = 3 or 4, 0..1) and MASK ([B,H,W]) values to and from 8-bit pixels.</summary>
public static class ImageTensors
{
    public static (int Batch, int Height, int Width, int Channels) ImageShape(Tensor image)
    {
        if (image.Rank != 4) throw new InvalidOperationException($"Expected an IMAGE [B,H,W,C], got [{string.Join(", ", image.Shape)}].");
        return (image.Shape[0], image.Shape[1], image.Shape[2], image.Shape[3]);
    }

    /// <summary>A MASK as [B,H,W]: a 2-D mask gains the batch dimension, as ComfyUI's <c>mask.reshape((-1, H, W))</c>.</summary>
    public static Tensor AsMaskBatch(Tensor mask) => mask.Rank switch
    {
        2 => mask.Reshape(1, mask.Shape[0], mask.Shape[1]),
        3 => mask,
        _ => mask.Reshape(mask.Length / (mask.Shape[^1] * mask.Shape[^2]), mask.Shape[^2], mask.Shape[^1]),
    };

    /// <summary>The RGB channels of a frame as a [1,H,W,3] image.</summary>
    public static Tensor RgbOf(DecodedFrame frame)
    {
        var data = new float[frame.Width * frame.Height * 3];
        Pixels.RgbaToRgbFloats(frame.Rgba, data);
        return new Tensor([1, frame.Height, frame.Width, 3], data);
    }

    /// <summary>One channel (0 = R … 3 = A) of a frame as a [H,W] plane in 0..1.</summary>
    public static float[] ChannelOf(DecodedFrame frame, int channel)
    {
        var n = frame.Width * frame.Height;
        var bytes = new byte[n];
        for (var i = 0; i < n; i++) bytes[i] = frame.Rgba[i * 4 + channel];
        var plane = new float[n];
        Pixels.ToFloats(bytes, plane);
        return plane;
    }

    /// <summary>Batch item <paramref name="index"/> as 8-bit interleaved pixels with the image's channel count.</summary>
    public static byte[] ToBytes(Tensor image, int index)
    {
        var (_, h, w, c) = ImageShape(image);
        var per = h * w * c;
        var bytes = new byte[per];
        Pixels.ToBytes(image.Span.Slice(index * per, per), bytes);
        return c switch
        {
            3 or 4 => bytes,
            1 => ExpandGrey(bytes),
            _ => throw new InvalidOperationException($"Cannot save an image with {c} channels."),
        };
    }

    /// <summary>Batch item <paramref name="index"/> as (pixels, channels) ready for an encoder (grey becomes RGB).</summary>
    public static (byte[] Pixels, int Channels) ToEncodable(Tensor image, int index)
    {
        var c = ImageShape(image).Channels;
        return (ToBytes(image, index), c == 4 ? 4 : 3);
    }

    private static byte[] ExpandGrey(byte[] grey)
    {
        var rgb = new byte[grey.Length * 3];
        for (var i = 0; i < grey.Length; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = grey[i];
        return rgb;
    }
}
