namespace ComfySharp.Nodes.Image.Codec;

/// <summary>One decoded frame as 8-bit straight RGBA, EXIF orientation already applied.</summary>
public sealed record DecodedFrame(int Width, int Height, byte[] Rgba, bool HasAlpha);

/// <summary>The frames of an image file and the container format they came from (<c>PNG</c>, <c>JPEG</c>, <c>WEBP</c>, <c>GIF</c> …).</summary>
public sealed record DecodedImage(string Format, IReadOnlyList<DecodedFrame> Frames)
{
    public DecodedFrame First => Frames[0];
}
