namespace ComfySharp.Protocol.Frames;

/// <summary>The image format number of a type-1 preview frame.</summary>
public enum PreviewImageFormat : uint
{
    /// <summary>JPEG bytes.</summary>
    Jpeg = 1,

    /// <summary>PNG bytes.</summary>
    Png = 2,
}
