using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.Diffusion.Onnx;

/// <summary>
/// The weights of a mapped safetensors file as ONNX external data: safetensors stores each tensor as contiguous
/// little-endian bytes, which is exactly ONNX's external-data layout, so a graph initializer can point at the tensor's
/// offset in the checkpoint itself. ONNX Runtime maps those bytes; nothing is re-serialized or converted in C#.
/// </summary>
internal sealed class CheckpointWeights(SafetensorsFile file) : IWeightCatalog
{
    public SafetensorsFile File => file;

    public string Folder => Path.GetDirectoryName(Path.GetFullPath(file.Path))!;

    public WeightLocation Locate(string key)
    {
        var entry = file.Get(key);
        if (!entry.DType.IsWeightType())
        {
            throw new SafetensorsException(file.FileName, $"tensor '{key}' is {entry.DType.Name()}; weights must be F32, F16 or BF16");
        }
        return new WeightLocation(file.FileName, entry.Offset, entry.ByteLength, entry.DType, entry.ElementCount);
    }
}
