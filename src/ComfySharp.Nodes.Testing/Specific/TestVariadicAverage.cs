using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>
/// specific_tests.py TestVariadicAverage: the mean of input1, input2, … (<c>torch.stack(inputs).mean(dim=0)</c>). Only input1 is
/// declared; the others are undeclared links, which the engine passes on as extra arguments.
/// </summary>
internal sealed class TestVariadicAverage : INode
{
    public static NodeSchema Schema { get; } = new("TestVariadicAverage", SpecificTests.Category)
    {
        DisplayName = "Variadic Average",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("input1", "IMAGE")],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var inputs = new List<Tensor> { args.Get<Tensor>("input1") };
        while (args.Has($"input{inputs.Count + 1}"))
        {
            var next = args.Get<Tensor>($"input{inputs.Count + 1}");
            if (!next.SameShape(inputs[0]))
            {
                throw new InvalidOperationException(
                    $"stack expects each tensor to be equal size, but got [{string.Join(", ", inputs[0].Shape)}] at entry 0 and [{string.Join(", ", next.Shape)}] at entry {inputs.Count}");
            }
            inputs.Add(next);
        }
        return ValueTask.FromResult(NodeOutput.From(Tensor.Average(inputs)));
    }
}
