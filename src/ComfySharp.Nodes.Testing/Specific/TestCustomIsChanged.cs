using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>
/// specific_tests.py TestCustomIsChanged: passes its image on; IS_CHANGED is NaN (never equal, so it re-runs every time) when
/// should_change is set, else False (cached). The input's type is "BOOL", not "BOOLEAN", exactly as in the Python pack.
/// </summary>
internal sealed class TestCustomIsChanged : INode, IFingerprintInputs
{
    public static NodeSchema Schema { get; } = new("TestCustomIsChanged", SpecificTests.Category)
    {
        DisplayName = "Custom IsChanged",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("image", "IMAGE"), new InputSpec("should_change", "BOOL", InputSection.Optional) { Default = false }],
        Outputs = [Output.Image()],
    };

    public static object? Fingerprint(NodeArgs constants) =>
        PyValues.Truthy(constants.GetValueOrDefault("should_change", false)) ? double.NaN : false;

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args["image"]));
}
