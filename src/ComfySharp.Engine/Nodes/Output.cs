namespace ComfySharp.Engine.Nodes;

/// <summary>Factories for output slots; the name defaults to the type name as in ComfyUI.</summary>
public static class Output
{
    public static OutputSpec Of(string type, string? name = null, bool isList = false, string? tooltip = null) =>
        new(type, name ?? type, isList, tooltip);

    public static OutputSpec Int(string? name = null) => Of("INT", name);
    public static OutputSpec Float(string? name = null) => Of("FLOAT", name);
    public static OutputSpec String(string? name = null) => Of("STRING", name);
    public static OutputSpec Boolean(string? name = null) => Of("BOOLEAN", name);
    public static OutputSpec Image(string? name = null) => Of("IMAGE", name);
    public static OutputSpec Mask(string? name = null) => Of("MASK", name);
}
