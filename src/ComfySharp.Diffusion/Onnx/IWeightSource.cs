using Microsoft.ML.OnnxRuntime;

namespace ComfySharp.Diffusion.Onnx;

/// <summary>Supplies the float32 data of graph weights by checkpoint key (a mapped file; later a LoRA-merged view of one).</summary>
internal interface IWeightSource
{
    /// <summary>
    /// An OrtValue of the given shape over the weight's data. The value and its memory belong to the source and stay
    /// valid until the source is disposed; callers must not dispose it.
    /// </summary>
    OrtValue Get(string key, long[] shape);
}
