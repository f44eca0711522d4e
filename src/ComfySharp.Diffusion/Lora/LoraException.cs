namespace ComfySharp.Diffusion.Lora;

/// <summary>A LoRA file that cannot be applied: an unsupported format or tensors that do not fit the checkpoint.</summary>
internal sealed class LoraException(string fileName, string problem) : Exception($"LoRA '{fileName}': {problem}.")
{
    public string FileName { get; } = fileName;
}
