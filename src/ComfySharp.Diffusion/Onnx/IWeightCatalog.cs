using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.Diffusion.Onnx;

/// <summary>Where a weight's bytes are: a file in <see cref="IWeightCatalog.Folder"/>, an offset, a length and a type.</summary>
internal readonly record struct WeightLocation(string FileName, long Offset, long ByteLength, SafetensorsDType DType, long ElementCount);

/// <summary>Finds the stored bytes of weights by checkpoint key, for graphs that reference them as external data.</summary>
internal interface IWeightCatalog
{
    /// <summary>The folder holding the files named by <see cref="WeightLocation.FileName"/>.</summary>
    string Folder { get; }

    WeightLocation Locate(string key);
}
