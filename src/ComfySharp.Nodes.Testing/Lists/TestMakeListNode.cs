using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Lists;

/// <summary>util.py TestMakeListNode: its values as one list output (OUTPUT_IS_LIST).</summary>
internal sealed class TestMakeListNode : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestMakeListNode", ListNodes.Category)
    {
        DisplayName = "Make List",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("value1", "*"), .. MoreValues()],
        Outputs = [Output.Of("*", isList: true)],
        ValidatedInputs = VariantSupport.Arguments,
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => VariantSupport.ValidateAsync(Schema, inputTypes);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        // util.py looks at value0 … value9; value0 is not declared, but an undeclared link of that name is passed on and counts.
        var result = new List<object?>();
        for (var i = 0; i < ListNodes.Sockets; i++)
        {
            if (args.Has($"value{i}")) result.Add(args[$"value{i}"]);
        }
        return ValueTask.FromResult(NodeOutput.From(result));
    }

    // util.py declares value1 … value9 as optional, so value1 sits in both sections of its INPUT_TYPES; a schema holds a name once
    // and the required one is what ComfyUI validates, so the optional duplicate is left out.
    private static IEnumerable<InputSpec> MoreValues()
    {
        for (var i = 2; i < ListNodes.Sockets; i++) yield return Input.Of($"value{i}", "*", InputSection.Optional);
    }
}
