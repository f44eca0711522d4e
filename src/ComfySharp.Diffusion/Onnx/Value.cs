namespace ComfySharp.Diffusion.Onnx;

/// <summary>A named value of an ONNX graph (an input, an initializer or a node output).</summary>
internal readonly record struct Value(string Name)
{
    public override string ToString() => Name;
}
