using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing;

// specific_tests.py of ComfyUI's execution test pack.

internal sealed class TestLazyMixImages : INode, ILazyInputs
{
    public static NodeSchema Schema { get; } = new("TestLazyMixImages", "Testing/Nodes")
    {
        DisplayName = "Lazy Mix Images",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("image1", "IMAGE", lazy: true), Input.Of("image2", "IMAGE", lazy: true), Input.Of("mask", "MASK")],
        Outputs = [Output.Image()],
    };

    public ValueTask<IReadOnlyList<string>> CheckLazyStatusAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var mask = args.Get<Tensor>("mask");
        var (min, max) = (mask.Min(), mask.Max());
        var needed = new List<string>();
        if (!args.Has("image1") && (min != 1f || max != 1f)) needed.Add("image1");
        if (!args.Has("image2") && (min != 0f || max != 0f)) needed.Add("image2");
        return ValueTask.FromResult<IReadOnlyList<string>>(needed);
    }

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var mask = args.Get<Tensor>("mask");
        var (min, max) = (mask.Min(), mask.Max());
        if (min == 0f && max == 0f) return ValueTask.FromResult(NodeOutput.From(args["image1"]));
        if (min == 1f && max == 1f) return ValueTask.FromResult(NodeOutput.From(args["image2"]));
        var image1 = args.Get<Tensor>("image1");
        var image2 = args.Get<Tensor>("image2");
        image1.RequireSameShape(image2);
        // The mask [B,H,W] broadcasts over the channels of [B,H,W,C] images.
        if (mask.Rank != 3 || mask.Shape[0] != image1.Shape[0] || mask.Shape[1] != image1.Shape[1] || mask.Shape[2] != image1.Shape[2])
        {
            throw new InvalidOperationException(
                $"The size of the mask ([{string.Join(", ", mask.Shape)}]) must match the images ([{string.Join(", ", image1.Shape)}]).");
        }
        var channels = image1.Shape[3];
        var result = new float[image1.Length];
        var a = image1.Span;
        var b = image2.Span;
        var m = mask.Span;
        for (var i = 0; i < result.Length; i++)
        {
            var w = m[i / channels];
            result[i] = a[i] * (1f - w) + b[i] * w;
        }
        return ValueTask.FromResult(NodeOutput.From(new Tensor((int[])image1.Shape.Clone(), result)));
    }
}

internal sealed class TestVariadicAverage : INode
{
    public static NodeSchema Schema { get; } = new("TestVariadicAverage", "Testing/Nodes")
    {
        DisplayName = "Variadic Average",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("input1", "IMAGE")],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        // Undeclared linked inputs input2, input3, … arrive as extra arguments.
        var inputs = new List<Tensor> { args.Get<Tensor>("input1") };
        while (args.Has("input" + (inputs.Count + 1))) inputs.Add(args.Get<Tensor>("input" + (inputs.Count + 1)));
        return ValueTask.FromResult(NodeOutput.From(Tensor.Average(inputs)));
    }
}

internal sealed class TestCustomIsChanged : INode, IFingerprintInputs
{
    public static NodeSchema Schema { get; } = new("TestCustomIsChanged", "Testing/Nodes")
    {
        DisplayName = "Custom IsChanged",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("image", "IMAGE"), new InputSpec("should_change", "BOOL", InputSection.Optional) { Default = false }],
        Outputs = [Output.Image()],
    };

    public static object? Fingerprint(NodeArgs constants) =>
        TestingSchemas.Truthy(constants.GetValueOrDefault("should_change", false)) ? double.NaN : false;

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args["image"]));
}

internal sealed class TestIsChangedWithConstants : INode, IFingerprintInputs
{
    public static NodeSchema Schema { get; } = new("TestIsChangedWithConstants", "Testing/Nodes")
    {
        DisplayName = "IsChanged With Constants",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("image", "IMAGE"), Input.Float("value", 1.0, min: 0, max: 10)],
        Outputs = [Output.Image()],
    };

    // Linked inputs are absent here: only constants reach a fingerprint.
    public static object? Fingerprint(NodeArgs constants) => constants.GetValueOrDefault("image") is Tensor t
        ? t.Mean() * constants.Float("value")
        : constants.GetValueOrDefault("value");

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.Get<Tensor>("image").Multiply((float)args.Float("value"))));
}

/// <summary>Multiplies two IMAGE-or-FLOAT inputs, as the custom validation test nodes do.</summary>
internal static class CustomValidation
{
    public static NodeOutput Multiply(NodeArgs args)
    {
        var a = args["input1"];
        var b = args["input2"];
        if (a is double x && b is double y) return NodeOutput.From(Tensor.Full((float)(x * y), 1, 512, 512, 3));
        return NodeOutput.From((a, b) switch
        {
            (Tensor t, double d) => t.Multiply((float)d),
            (double d, Tensor t) => t.Multiply((float)d),
            (Tensor t, Tensor u) => t.Multiply(u),
            _ => throw new InvalidOperationException($"Cannot multiply {a?.GetType().Name ?? "None"} by {b?.GetType().Name ?? "None"}."),
        });
    }

    public static ValidationResult CheckImageOrFloat(NodeArgs args)
    {
        foreach (var name in (string[])["input1", "input2"])
        {
            var value = args.GetValueOrDefault(name);
            if (value is not null and not Tensor and not double) return ValidationResult.Fail($"Invalid type of {name}: {PythonType(value)}");
        }
        return ValidationResult.Ok;
    }

    public static string PythonType(object value) => value switch
    {
        long or ulong => "<class 'int'>",
        string => "<class 'str'>",
        bool => "<class 'bool'>",
        JsonArray => "<class 'list'>",
        JsonObject => "<class 'dict'>",
        _ => $"<class '{value.GetType().Name}'>",
    };
}

internal sealed class TestCustomValidation1 : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestCustomValidation1", "Testing/Nodes")
    {
        DisplayName = "Custom Validation 1",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("input1", "IMAGE,FLOAT"), Input.Of("input2", "IMAGE,FLOAT")],
        Outputs = [Output.Image()],
        ValidatedInputs = ["input1", "input2"],
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => ValueTask.FromResult(CustomValidation.CheckImageOrFloat(constants));

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(CustomValidation.Multiply(args));
}

internal sealed class TestCustomValidation2 : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestCustomValidation2", "Testing/Nodes")
    {
        DisplayName = "Custom Validation 2",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("input1", "IMAGE,FLOAT"), Input.Of("input2", "IMAGE,FLOAT")],
        Outputs = [Output.Image()],
        ValidatedInputs = ["input1", "input2"],
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct)
    {
        var check = CustomValidation.CheckImageOrFloat(constants);
        if (!check.IsValid) return ValueTask.FromResult(check);
        foreach (var name in (string[])["input1", "input2"])
        {
            if (inputTypes is not null && inputTypes.TryGetValue(name, out var type) && type is not ("IMAGE" or "FLOAT"))
            {
                return ValueTask.FromResult(ValidationResult.Fail($"Invalid type of {name}: {type}"));
            }
        }
        return ValueTask.FromResult(ValidationResult.Ok);
    }

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(CustomValidation.Multiply(args));
}

internal sealed class TestCustomValidation3 : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestCustomValidation3", "Testing/Nodes")
    {
        DisplayName = "Custom Validation 3",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("input1", "IMAGE,FLOAT"), Input.Of("input2", "IMAGE,FLOAT")],
        Outputs = [Output.Image()],
        ValidatedInputs = [],
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => ValueTask.FromResult(TestingSchemas.VariantCheck(Schema, inputTypes));

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(CustomValidation.Multiply(args));
}

internal sealed class TestCustomValidation4 : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestCustomValidation4", "Testing/Nodes")
    {
        DisplayName = "Custom Validation 4",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("input1", "FLOAT"), Input.Of("input2", "FLOAT")],
        Outputs = [Output.Image()],
        ValidatedInputs = ["input1", "input2"],
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct)
    {
        foreach (var name in (string[])["input1", "input2"])
        {
            var value = constants.GetValueOrDefault(name);
            if (value is not null and not double) return ValueTask.FromResult(ValidationResult.Fail($"Invalid type of {name}: {CustomValidation.PythonType(value)}"));
        }
        return ValueTask.FromResult(ValidationResult.Ok);
    }

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Tensor.Full((float)(args.Float("input1") * args.Float("input2")), 1, 512, 512, 3)));
}

internal sealed class TestCustomValidation5 : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestCustomValidation5", "Testing/Nodes")
    {
        DisplayName = "Custom Validation 5",
        PythonModule = TestingSchemas.Module,
        Inputs = [new InputSpec("input1", "FLOAT") { Min = 0, Max = 1 }, new InputSpec("input2", "FLOAT") { Min = 0, Max = 1 }],
        Outputs = [Output.Image()],
        ValidatedInputs = null,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) =>
        ValueTask.FromResult(constants.GetValueOrDefault("input2") is 7.0 ? ValidationResult.Fail("7s are not allowed. I've never liked 7s.") : ValidationResult.Ok);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Tensor.Full((float)(args.Float("input1") * args.Float("input2")), 1, 512, 512, 3)));
}

internal sealed class TestDynamicDependencyCycle : INode
{
    public static NodeSchema Schema { get; } = new("TestDynamicDependencyCycle", "Testing/Nodes")
    {
        DisplayName = "Dynamic Dependency Cycle",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("input1", "IMAGE"), Input.Of("input2", "IMAGE")],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var g = context.CreateGraphBuilder();
        var mask = g.Node("StubMask").Set("value", 0.5).Set("height", 512L).Set("width", 512L).Set("batch_size", 1L);
        var mix1 = g.Node("TestLazyMixImages").Set("image1", args["input1"]).Set("mask", mask.Out(0));
        var mix2 = g.Node("TestLazyMixImages").Set("image1", mix1.Out(0)).Set("image2", args["input2"]).Set("mask", mask.Out(0));
        mix1.Set("image2", mix2.Out(0)); // the cycle
        return ValueTask.FromResult(NodeOutput.Expand(g.Finalize(mix2.Out(0))));
    }
}

internal sealed class TestMixedExpansionReturns : INode
{
    public static NodeSchema Schema { get; } = new("TestMixedExpansionReturns", "Testing/Nodes")
    {
        DisplayName = "Mixed Expansion Returns",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("input1", "FLOAT")],
        Outputs = [Output.Image(), Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var white = Tensor.Full(1f, 1, 512, 512, 3);
        var value = args.Float("input1");
        if (value <= 0.1) return ValueTask.FromResult(NodeOutput.From(Tensor.Full(0.1f, 1, 512, 512, 3), white));
        if (value <= 0.2) return ValueTask.FromResult(NodeOutput.From(Tensor.Full(0.2f, 1, 512, 512, 3), white));
        var g = context.CreateGraphBuilder();
        var mask = g.Node("StubMask").Set("value", 0.3).Set("height", 512L).Set("width", 512L).Set("batch_size", 1L);
        var black = g.Node("StubImage").Set("content", "BLACK").Set("height", 512L).Set("width", 512L).Set("batch_size", 1L);
        var whiteNode = g.Node("StubImage").Set("content", "WHITE").Set("height", 512L).Set("width", 512L).Set("batch_size", 1L);
        var mix = g.Node("TestLazyMixImages").Set("image1", black.Out(0)).Set("image2", whiteNode.Out(0)).Set("mask", mask.Out(0));
        return ValueTask.FromResult(NodeOutput.Expand(g.Finalize(mix.Out(0), white)));
    }
}

internal sealed class TestSleep : INode
{
    public static NodeSchema Schema { get; } = new("TestSleep", "_for_testing")
    {
        DisplayName = "Test Sleep",
        PythonModule = TestingSchemas.Module,
        Inputs =
        [
            Input.Of("value", "*"),
            Input.Float("seconds", 1.0, min: 0, max: 9999, step: 0.01m, tooltip: "The amount of seconds to sleep."),
            Hidden.UniqueId(),
        ],
        Outputs = [Output.Of("*")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var seconds = args.Float("seconds");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            context.ReportProgress(Math.Min(elapsed, seconds), seconds);
            if (elapsed >= seconds) break;
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(0.01, seconds - elapsed)), ct);
        }
        return NodeOutput.From(args["value"]);
    }
}

internal sealed class TestParallelSleep : INode
{
    public static NodeSchema Schema { get; } = new("TestParallelSleep", "_for_testing")
    {
        DisplayName = "Test Parallel Sleep",
        PythonModule = TestingSchemas.Module,
        Inputs =
        [
            Input.Of("image1", "IMAGE"), Input.Of("image2", "IMAGE"), Input.Of("image3", "IMAGE"),
            Input.Float("sleep1", 0.5, min: 0, max: 10, step: 0.01m), Input.Float("sleep2", 0.5, min: 0, max: 10, step: 0.01m),
            Input.Float("sleep3", 0.5, min: 0, max: 10, step: 0.01m), Hidden.UniqueId(),
        ],
        Outputs = [Output.Image()],
        OutputNode = true,
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var g = context.CreateGraphBuilder();
        var s1 = g.Node("TestSleep").Set("value", args["image1"]).Set("seconds", args["sleep1"]);
        var s2 = g.Node("TestSleep").Set("value", args["image2"]).Set("seconds", args["sleep2"]);
        var s3 = g.Node("TestSleep").Set("value", args["image3"]).Set("seconds", args["sleep3"]);
        var blend = g.Node("TestVariadicAverage").Set("input1", s1.Out(0)).Set("input2", s2.Out(0)).Set("input3", s3.Out(0));
        return ValueTask.FromResult(NodeOutput.Expand(g.Finalize(blend.Out(0))));
    }
}

internal sealed class TestOutputNodeWithSocketOutput : INode
{
    public static NodeSchema Schema { get; } = new("TestOutputNodeWithSocketOutput", "_for_testing")
    {
        DisplayName = "Test Output Node With Socket Output",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("image", "IMAGE"), Input.Float("value", 1.0, min: 0, max: 10)],
        Outputs = [Output.Image()],
        OutputNode = true,
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.Get<Tensor>("image").Multiply((float)args.Float("value"))));
}
