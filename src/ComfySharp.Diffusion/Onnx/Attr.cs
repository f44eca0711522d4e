namespace ComfySharp.Diffusion.Onnx;

/// <summary>A node attribute: one int, float, string, list of ints or list of floats.</summary>
internal sealed record Attr(string Name, int Type, long I = 0, float F = 0, string? S = null, long[]? Ints = null, float[]? Floats = null)
{
    public static Attr Int(string name, long value) => new(name, OnnxFields.Attribute.TypeInt, I: value);
    public static Attr Float(string name, float value) => new(name, OnnxFields.Attribute.TypeFloat, F: value);
    public static Attr String(string name, string value) => new(name, OnnxFields.Attribute.TypeString, S: value);
    public static Attr IntList(string name, params long[] values) => new(name, OnnxFields.Attribute.TypeInts, Ints: values);
    public static Attr FloatList(string name, params float[] values) => new(name, OnnxFields.Attribute.TypeFloats, Floats: values);

    internal void WriteTo(ProtoWriter w)
    {
        w.String(OnnxFields.Attribute.Name, Name);
        w.Int64(OnnxFields.Attribute.Type, Type);
        switch (Type)
        {
            case OnnxFields.Attribute.TypeInt: w.Int64(OnnxFields.Attribute.I, I); break;
            case OnnxFields.Attribute.TypeFloat: w.Float(OnnxFields.Attribute.F, F); break;
            case OnnxFields.Attribute.TypeString: w.String(OnnxFields.Attribute.S, S!); break;
            case OnnxFields.Attribute.TypeInts: w.PackedInt64(OnnxFields.Attribute.Ints, Ints!); break;
            case OnnxFields.Attribute.TypeFloats: w.PackedFloat(OnnxFields.Attribute.Floats, Floats!); break;
            default: throw new InvalidOperationException($"Attribute type {Type} is not written by this writer.");
        }
    }
}
