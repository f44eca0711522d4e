using System.Collections.Concurrent;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing;

// async_test_nodes.py and api_test_nodes.py of ComfyUI's execution test pack.

internal sealed class TestAsyncValidation : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAsyncValidation", "_for_testing/async")
    {
        DisplayName = "Test Async Validation", PythonModule = TestingSchemas.Module,
        Inputs = [new InputSpec("value", "FLOAT") { Default = 5.0 }, new InputSpec("threshold", "FLOAT") { Default = 10.0 }],
        Outputs = [Output.Image()],
        ValidatedInputs = ["value", "threshold"],
    };

    public static async ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct)
    {
        await Task.Delay(50, ct);
        if (constants.GetValueOrDefault("value") is double value && constants.GetValueOrDefault("threshold") is double threshold && value > threshold)
        {
            return ValidationResult.Fail($"Value {Engine.Validation.PyText.Float(value)} exceeds threshold {Engine.Validation.PyText.Float(threshold)}");
        }
        return ValidationResult.Ok;
    }

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Tensor.Full((float)(args.Float("value") / 10.0), 1, 512, 512, 3)));
}

internal sealed class TestAsyncError : INode
{
    public static NodeSchema Schema { get; } = new("TestAsyncError", "_for_testing/async")
    {
        DisplayName = "Test Async Error", PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("value", "*"), new InputSpec("error_after", "FLOAT") { Default = 0.1, Min = 0, Max = 10 }],
        Outputs = [Output.Of("*")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(args.Float("error_after")), ct);
        throw new InvalidOperationException("Intentional async execution error for testing");
    }
}

internal sealed class TestAsyncValidationError : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAsyncValidationError", "_for_testing/async")
    {
        DisplayName = "Test Async Validation Error", PythonModule = TestingSchemas.Module,
        Inputs = [new InputSpec("value", "FLOAT") { Default = 5.0 }, new InputSpec("max_value", "FLOAT") { Default = 10.0 }],
        Outputs = [Output.Image()],
        ValidatedInputs = ["value", "max_value"],
    };

    public static async ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct)
    {
        await Task.Delay(50, ct);
        if (constants.GetValueOrDefault("value") is double value && constants.GetValueOrDefault("max_value") is double max && value > max)
        {
            return ValidationResult.Fail($"Async validation failed: {Engine.Validation.PyText.Float(value)} > {Engine.Validation.PyText.Float(max)}");
        }
        return ValidationResult.Ok;
    }

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Tensor.Full((float)(args.Float("value") / args.Float("max_value")), 1, 512, 512, 3)));
}

internal sealed class TestAsyncTimeout : INode
{
    public static NodeSchema Schema { get; } = new("TestAsyncTimeout", "_for_testing/async")
    {
        DisplayName = "Test Async Timeout", PythonModule = TestingSchemas.Module,
        Inputs =
        [
            Input.Of("value", "*"), new InputSpec("timeout", "FLOAT") { Default = 1.0, Min = 0.1m, Max = 10 },
            new InputSpec("operation_time", "FLOAT") { Default = 2.0, Min = 0.1m, Max = 10 },
        ],
        Outputs = [Output.Of("*")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var timeout = args.Float("timeout");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(args.Float("operation_time")), ct).WaitAsync(TimeSpan.FromSeconds(timeout), ct);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"Operation timed out after {Engine.Validation.PyText.Float(timeout)} seconds");
        }
        return NodeOutput.From(args["value"]);
    }
}

internal sealed class TestSyncError : INode
{
    public static NodeSchema Schema { get; } = new("TestSyncError", "_for_testing/async")
    {
        DisplayName = "Test Sync Error", PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("value", "*")],
        Outputs = [Output.Of("*")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        throw new InvalidOperationException("Intentional sync execution error for testing");
}

internal sealed class TestAsyncLazyCheck : INode, ILazyInputs
{
    public static NodeSchema Schema { get; } = new("TestAsyncLazyCheck", "_for_testing/async")
    {
        DisplayName = "Test Async Lazy Check", PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("input1", "*", lazy: true), Input.Of("input2", "*", lazy: true), Input.Boolean("condition", true)],
        Outputs = [Output.Image()],
    };

    public async ValueTask<IReadOnlyList<string>> CheckLazyStatusAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        await Task.Delay(50, ct);
        var condition = args.Bool("condition");
        var needed = new List<string>();
        if (condition && !args.Has("input1")) needed.Add("input1");
        if (!condition && !args.Has("input2")) needed.Add("input2");
        return needed;
    }

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Tensor.Full(1f, 1, 512, 512, 3)));
}

internal sealed class TestDynamicAsyncGeneration : INode
{
    public static NodeSchema Schema { get; } = new("TestDynamicAsyncGeneration", "_for_testing/async")
    {
        DisplayName = "Test Dynamic Async Generation", PythonModule = TestingSchemas.Module,
        Inputs =
        [
            Input.Of("image1", "IMAGE"), Input.Of("image2", "IMAGE"), Input.Int("num_async_nodes", 3, min: 1, max: 10),
            new InputSpec("sleep_duration", "FLOAT") { Default = 0.2, Min = 0.1m, Max = 1 },
        ],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var g = context.CreateGraphBuilder();
        var sleeps = new List<BuilderNode>();
        for (var i = 0; i < args.Int("num_async_nodes"); i++)
        {
            sleeps.Add(g.Node("TestSleep").Set("value", args[i % 2 == 0 ? "image1" : "image2"]).Set("seconds", args["sleep_duration"]));
        }
        var final = sleeps[0];
        if (sleeps.Count > 1)
        {
            final = g.Node("TestVariadicAverage");
            for (var i = 0; i < sleeps.Count; i++) final.Set($"input{i + 1}", sleeps[i].Out(0));
        }
        return ValueTask.FromResult(NodeOutput.Expand(g.Finalize(final.Out(0))));
    }
}

internal sealed class TestAsyncResourceUser : INode
{
    private static readonly ConcurrentDictionary<string, bool> ActiveResources = new();

    public static NodeSchema Schema { get; } = new("TestAsyncResourceUser", "_for_testing/async")
    {
        DisplayName = "Test Async Resource User", PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("value", "*"), Input.String("resource_id", "resource_0"), new InputSpec("duration", "FLOAT") { Default = 0.1, Min = 0, Max = 1 }],
        Outputs = [Output.Of("*")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var id = args.String("resource_id");
        if (!ActiveResources.TryAdd(id, true)) throw new InvalidOperationException($"Resource {id} is already in use!");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(args.Float("duration")), ct);
            return NodeOutput.From(args["value"]);
        }
        finally
        {
            ActiveResources.TryRemove(id, out _);
        }
    }
}

internal sealed class TestAsyncBatchProcessing : INode
{
    public static NodeSchema Schema { get; } = new("TestAsyncBatchProcessing", "_for_testing/async")
    {
        DisplayName = "Test Async Batch Processing", PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("images", "IMAGE"), new InputSpec("process_time_per_item", "FLOAT") { Default = 0.1, Min = 0.01m, Max = 1 }, Hidden.UniqueId()],
        Outputs = [Output.Image()],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var images = args.Get<Tensor>("images");
        var batch = images.Shape[0];
        var processed = new List<Tensor>(batch);
        for (var i = 0; i < batch; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(args.Float("process_time_per_item")), ct);
            processed.Add(images.BatchItem(i).OneMinus());
            context.ReportProgress(i + 1, batch);
        }
        return NodeOutput.From(Tensor.ConcatBatch(processed));
    }
}

internal sealed class TestAsyncConcurrentLimit : INode
{
    private static readonly SemaphoreSlim Limit = new(2, 2);

    public static NodeSchema Schema { get; } = new("TestAsyncConcurrentLimit", "_for_testing/async")
    {
        DisplayName = "Test Async Concurrent Limit", PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("value", "*"), new InputSpec("duration", "FLOAT") { Default = 0.5, Min = 0.1m, Max = 2 }, Input.Int("node_id", 0)],
        Outputs = [Output.Of("*")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        await Limit.WaitAsync(ct);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(args.Float("duration")), ct);
            return NodeOutput.From(args["value"]);
        }
        finally
        {
            Limit.Release();
        }
    }
}

internal sealed class TestAsyncProgressUpdate : INode
{
    public static NodeSchema Schema { get; } = new("TestAsyncProgressUpdate", "_for_testing/async")
    {
        DisplayName = "Async Progress Update Test Node", PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("value", "*"), new InputSpec("sleep_seconds", "FLOAT") { Default = 1.0 }],
        Outputs = [Output.Of("*")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var seconds = args.Float("sleep_seconds");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        double elapsed;
        do
        {
            elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            context.SetProgress(seconds <= 0 ? 1 : Math.Min(1, elapsed / seconds), 1);
            await Task.Delay(10, ct);
        }
        while (elapsed < seconds);
        return NodeOutput.From(args["value"]);
    }
}

internal sealed class TestSyncProgressUpdate : INode
{
    public static NodeSchema Schema { get; } = new("TestSyncProgressUpdate", "_for_testing/async")
    {
        DisplayName = "Sync Progress Update Test Node", PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("value", "*"), new InputSpec("sleep_seconds", "FLOAT") { Default = 1.0 }],
        Outputs = [Output.Of("*")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var seconds = args.Float("sleep_seconds");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        double elapsed;
        do
        {
            ct.ThrowIfCancellationRequested();
            elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            context.SetProgress(seconds <= 0 ? 1 : Math.Min(1, elapsed / seconds), 1);
            ct.WaitHandle.WaitOne(10);
        }
        while (elapsed < seconds);
        return ValueTask.FromResult(NodeOutput.From(args["value"]));
    }
}
