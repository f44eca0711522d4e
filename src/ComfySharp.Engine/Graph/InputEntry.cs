namespace ComfySharp.Engine.Graph;

/// <summary>
/// One input of a prompt node as <see cref="InputDictionary"/> stores it: a constant, or a link held without a box
/// (<see cref="Value"/> is then the source node's id and <see cref="LinkSlot"/> its output index).
/// </summary>
internal readonly record struct InputEntry(string Name, object? Value, int LinkSlot = InputEntry.NotALink)
{
    public const int NotALink = -1;

    public bool IsLink => LinkSlot >= 0;

    public static InputEntry From(string name, object? value) =>
        value is Nodes.NodeLink link ? new(name, link.NodeId, link.OutputIndex) : new(name, value);

    /// <summary>The value as the API shows it: a link as a <see cref="Nodes.NodeLink"/>.</summary>
    public object? Boxed => IsLink ? new Nodes.NodeLink((string)Value!, LinkSlot) : Value;
}
