namespace ComfySharp.Nodes.Image.Codec;

/// <summary>The bytes are not an image the codec can decode (or decode within its limits).</summary>
public sealed class InvalidImageException(string message) : Exception(message);
