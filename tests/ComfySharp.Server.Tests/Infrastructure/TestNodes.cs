using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Server.Tests.Infrastructure;

/// <summary>Nodes that only the server tests register: a gate a test opens, a node that fails, a node that reports progress.</summary>
public static class TestNodes
{
    public static void Register(NodeRegistry registry)
    {
        registry.Add<GateNode>();
        registry.Add<FailNode>();
        registry.Add<ProgressNode>();
        registry.Add<ImageStatsNode>();
        registry.Add<RendezvousNode>();
    }

    /// <summary>Gates by name: a node waits until the test opens its gate (or the prompt is interrupted).</summary>
    public static class Gates
    {
        private static readonly ConcurrentDictionary<string, TaskCompletionSource> Open = new();
        private static readonly ConcurrentDictionary<string, TaskCompletionSource> Entered = new();

        public static Task WaitEnteredAsync(string name, CancellationToken ct) => Entered.GetOrAdd(name, NewTcs).Task.WaitAsync(ct);

        public static void Release(string name) => Open.GetOrAdd(name, NewTcs).TrySetResult();

        internal static Task EnterAsync(string name, CancellationToken ct)
        {
            Entered.GetOrAdd(name, NewTcs).TrySetResult();
            return Open.GetOrAdd(name, NewTcs).Task.WaitAsync(ct);
        }

        private static TaskCompletionSource NewTcs(string _) => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    internal sealed class GateNode : INode
    {
        public static NodeSchema Schema { get; } = new("CsTestGate", "testing")
        {
            Inputs = [Input.String("gate"), Input.Of("value", "*", InputSection.Optional)],
            Outputs = [Output.String()],
            OutputNode = true,
            NotIdempotent = true,
        };

        public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
        {
            var gate = args.String("gate");
            await Gates.EnterAsync(gate, ct);
            return NodeOutput.WithUi(new JsonObject { ["text"] = new JsonArray(gate) }, gate);
        }
    }

    internal sealed class FailNode : INode
    {
        public static NodeSchema Schema { get; } = new("CsTestFail", "testing")
        {
            Inputs = [Input.String("message", "boom"), Input.Of("value", "*", InputSection.Optional)],
            Outputs = [Output.String()],
            OutputNode = true,
        };

        public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
            throw new InvalidOperationException(args.String("message"));
    }

    internal sealed class ProgressNode : INode
    {
        /// <summary>A 1×1 PNG, enough to test preview frames.</summary>
        public static readonly byte[] Png = Convert.FromBase64String(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

        public static NodeSchema Schema { get; } = new("CsTestProgress", "testing")
        {
            Inputs = [Input.Int("steps", 3, min: 1, max: 100), Input.Boolean("preview", false, InputSection.Optional)],
            Outputs = [Output.Int()],
            OutputNode = true,
            NotIdempotent = true,
        };

        public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
        {
            var steps = args.Int("steps");
            for (var i = 1; i <= steps; i++)
            {
                context.ReportProgress(i, steps, args.BoolOrDefault("preview", false) ? new PreviewImage(PreviewFormat.Png, Png) : null);
            }
            context.SendProgressText("done");
            return ValueTask.FromResult(NodeOutput.From(steps));
        }
    }

    /// <summary>
    /// Stands in for SaveImage in the conformance tests: reports each image's min and max as 8-bit values
    /// (ComfyUI's tests read the saved PNG's bytes: clip(v·255) truncated) without writing files.
    /// </summary>
    internal sealed class ImageStatsNode : INode
    {
        public static NodeSchema Schema { get; } = new("CsTestImageStats", "testing")
        {
            Inputs = [Input.Of("images", "IMAGE")],
            OutputNode = true,
        };

        public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
        {
            var image = args.Get<ComfySharp.Engine.Tensors.Tensor>("images");
            var stats = new JsonArray();
            var batch = image.Shape[0];
            var per = image.Length / Math.Max(1, batch);
            for (var b = 0; b < batch; b++)
            {
                var span = image.Span.Slice(b * per, per);
                float min = float.MaxValue, max = float.MinValue;
                double sum = 0;
                foreach (var v in span)
                {
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                    sum += Byte(v);
                }
                stats.Add(new JsonObject { ["min"] = Byte(min), ["max"] = Byte(max), ["mean"] = sum / per, ["height"] = image.Shape[1], ["width"] = image.Shape[2] });
            }
            return ValueTask.FromResult(NodeOutput.WithUi(new JsonObject { ["images"] = stats }));
        }

        private static int Byte(float v) => (int)Math.Clamp(v * 255f, 0f, 255f);
    }

    /// <summary>
    /// Two of these with the same key finish only if both run at the same time: proof that async nodes overlap
    /// without any timing assertion (sequential execution would fail after the node's own timeout).
    /// </summary>
    internal sealed class RendezvousNode : INode
    {
        private static readonly ConcurrentDictionary<string, CountdownEvent> Meetings = new();

        public static NodeSchema Schema { get; } = new("CsTestRendezvous", "testing")
        {
            Inputs = [Input.String("key"), Input.Int("parties", 2, min: 1, max: 16), Input.Int("index", 0)],
            Outputs = [Output.String()],
            OutputNode = true,
        };

        public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
        {
            var meeting = Meetings.GetOrAdd(args.String("key"), _ => new CountdownEvent((int)args.Int("parties")));
            meeting.Signal();
            await Task.Run(() =>
            {
                if (!meeting.Wait(TimeSpan.FromSeconds(30), ct)) throw new TimeoutException("The other nodes never ran at the same time.");
            }, ct);
            return NodeOutput.WithUi(new JsonObject { ["text"] = new JsonArray("met") }, "met");
        }
    }
}
