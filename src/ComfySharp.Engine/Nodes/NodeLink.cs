namespace ComfySharp.Engine.Nodes;

/// <summary>A link to output <see cref="OutputIndex"/> of node <see cref="NodeId"/>: <c>["4", 0]</c> in the API format.</summary>
public readonly record struct NodeLink(string NodeId, int OutputIndex)
{
    public override string ToString() => $"[\"{NodeId}\", {OutputIndex}]";
}
