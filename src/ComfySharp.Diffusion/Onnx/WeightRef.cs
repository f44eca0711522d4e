namespace ComfySharp.Diffusion.Onnx;

/// <summary>
/// A graph initializer whose data is not in the model: <see cref="Key"/> names the checkpoint tensor that supplies it
/// when the session is created. The model records only its name, type and shape.
/// </summary>
internal sealed record WeightRef(string Name, string Key, long[] Shape);
