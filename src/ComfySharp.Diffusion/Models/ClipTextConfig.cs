namespace ComfySharp.Diffusion.Models;

/// <summary>
/// A CLIP text transformer in the Hugging Face key layout (SD 1.x's CLIP-L). <see cref="Prefix"/> ends with
/// <c>text_model.</c>; older checkpoints store the same keys without it, and the loader maps them.
/// </summary>
internal sealed record ClipTextConfig(
    string Prefix,
    int VocabSize,
    int Width,
    int Layers,
    int Heads,
    int MaxPositions,
    int IntermediateSize)
{
    /// <summary>CLIP's attention heads are 64 wide (CLIP-L: 768 = 12 × 64); the head count is not stored in the file.</summary>
    public const int HeadWidth = 64;
}
