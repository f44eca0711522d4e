using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>
/// specific_tests.py TestIsChangedWithConstants: <c>image * value</c>. Its IS_CHANGED shows that only constants reach a
/// fingerprint: the linked image is absent there, so the fingerprint is the value itself.
/// </summary>
internal sealed class TestIsChangedWithConstants : INode, IFingerprintInputs
{
    public static NodeSchema Schema { get; } = new("TestIsChangedWithConstants", SpecificTests.Category)
    {
        DisplayName = "IsChanged With Constants",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("image", "IMAGE"), Input.Float("value", 1.0, min: 0, max: 10)],
        Outputs = [Output.Image()],
    };

    public static object? Fingerprint(NodeArgs constants) => constants.GetValueOrDefault("image") is Tensor image
        ? image.Mean() * constants.Float("value")
        : constants.GetValueOrDefault("value");

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(PyValues.Multiply(args["image"], args["value"])));
}
