using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>What TestCustomValidation1–3 share: two IMAGE-or-FLOAT inputs multiplied, and the check of their constant types.</summary>
internal static class CustomValidation
{
    public static InputSpec[] ImageOrFloatInputs() => [Input.Of("input1", "IMAGE,FLOAT"), Input.Of("input2", "IMAGE,FLOAT")];

    /// <summary>Two floats make a 512×512 image of their product; otherwise <c>input1 * input2</c>.</summary>
    public static NodeOutput Multiply(NodeArgs args)
    {
        var a = args["input1"];
        var b = args["input2"];
        if (a is double x && b is double y) return NodeOutput.From(Tensor.Full(1f, 1, 512, 512, 3).Multiply((float)x).Multiply((float)y));
        return NodeOutput.From(PyValues.Multiply(a, b));
    }

    /// <summary>Constants must be a tensor or a float (an int or a string fails); linked inputs arrive as null and pass.</summary>
    public static ValidationResult CheckImageOrFloat(NodeArgs constants)
    {
        foreach (var name in (ReadOnlySpan<string>)["input1", "input2"])
        {
            var value = constants.GetValueOrDefault(name);
            if (value is not null and not Tensor and not double) return ValidationResult.Fail($"Invalid type of {name}: {PyValues.TypeOf(value)}");
        }
        return ValidationResult.Ok;
    }
}
