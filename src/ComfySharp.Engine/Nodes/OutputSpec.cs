namespace ComfySharp.Engine.Nodes;

/// <summary>One output slot: ComfyUI type name, display name and whether it is a list output (<c>OUTPUT_IS_LIST</c>).</summary>
public sealed record OutputSpec(string Type, string Name, bool IsList = false, string? Tooltip = null);
