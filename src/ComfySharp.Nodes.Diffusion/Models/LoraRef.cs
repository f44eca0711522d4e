namespace ComfySharp.Nodes.Diffusion.Models;

/// <summary>A LoRA file of <c>models/loras</c> applied with a strength (LoraLoader, LoraLoaderModelOnly).</summary>
public sealed record LoraRef(string Path, double Strength);
