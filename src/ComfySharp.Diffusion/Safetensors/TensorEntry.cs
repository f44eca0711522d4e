namespace ComfySharp.Diffusion.Safetensors;

/// <summary>One tensor of a safetensors file: where its bytes are (absolute file offset) and how to read them.</summary>
internal sealed record TensorEntry(string Name, SafetensorsDType DType, long[] Shape, long Offset, long ByteLength)
{
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape) n *= d;
            return n;
        }
    }

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
