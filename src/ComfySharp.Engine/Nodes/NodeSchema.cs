namespace ComfySharp.Engine.Nodes;

/// <summary>
/// Everything ComfyUI knows about a node class: it feeds <c>/object_info</c>, validation and execution.
/// </summary>
public sealed class NodeSchema(string name, string category = "sd")
{
    public string Name { get; } = name;
    public string Category { get; } = category;
    public string? DisplayName { get; init; }
    public string Description { get; init; } = "";
    /// <summary><c>python_module</c> in <c>/object_info</c>: <c>nodes</c> for core, <c>comfy_extras.x</c>, <c>custom_nodes.x</c>.</summary>
    public string PythonModule { get; init; } = "nodes";
    public IReadOnlyList<InputSpec> Inputs { get; init; } = [];
    public IReadOnlyList<OutputSpec> Outputs { get; init; } = [];
    public bool OutputNode { get; init; }
    /// <summary>ComfyUI's <c>INPUT_IS_LIST</c>: the node is called once with whole lists.</summary>
    public bool InputIsList { get; init; }
    /// <summary>ComfyUI's <c>NOT_IDEMPOTENT</c>: the node id becomes part of its cache key.</summary>
    public bool NotIdempotent { get; init; }
    public bool HasIntermediateOutput { get; init; }
    public bool Deprecated { get; init; }
    public bool Experimental { get; init; }
    public IReadOnlyList<string> SearchAliases { get; init; } = [];
    /// <summary>The inputs a custom validator receives, or <c>null</c> when it takes them all (<c>**kwargs</c>).</summary>
    public IReadOnlyList<string>? ValidatedInputs { get; init; }
    /// <summary>The custom validator wants the linked input types (ComfyUI's <c>input_types</c> argument) and skips the type check.</summary>
    public bool ValidatesInputTypes { get; init; }

    public InputSpec? FindInput(string inputName)
    {
        // Indexed: a foreach over the interface allocates an enumerator, and this runs for every input of every node.
        var inputs = Inputs;
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].Name == inputName) return inputs[i];
        }
        return null;
    }
}
