using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Diffusion.Conditionings;
using ComfySharp.Nodes.Diffusion.Latents;

namespace ComfySharp.Nodes.Diffusion.Tests.EndToEnd;

/// <summary>A test-only output node that reports what it received: kind, shape, sum and the first values, as UI output.</summary>
internal sealed class ProbeNode : INode
{
    public static NodeSchema Schema { get; } = new("CsDiffusionProbe", "testing")
    {
        Inputs = [Input.Of("value", "*")],
        OutputNode = true,
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var report = args["value"] switch
        {
            Tensor t => Describe("tensor", t),
            Latent l => Describe("latent", l.Samples, new JsonObject
            {
                ["batch_index"] = l.BatchIndex is null ? null : new JsonArray([.. l.BatchIndex.Select(i => JsonValue.Create(i))]),
            }),
            IReadOnlyList<ConditioningEntry> c => new JsonObject
            {
                ["kind"] = "conditioning",
                ["entries"] = new JsonArray([.. c.Select(e => (JsonNode)Describe("cond", e.Cond, Options(e)))]),
            },
            var other => new JsonObject { ["kind"] = other?.GetType().Name ?? "null", ["text"] = other?.ToString() },
        };
        return ValueTask.FromResult(NodeOutput.WithUi(new JsonObject { ["probe"] = new JsonArray(report) }));
    }

    private static JsonObject Options(ConditioningEntry e)
    {
        var o = new JsonObject();
        foreach (var (k, v) in e.Options) o[k] = v is ConditioningArea a ? new JsonArray(a.Height, a.Width, a.Y, a.X) : JsonValue.Create(v.ToString());
        return new JsonObject { ["options"] = o };
    }

    private static JsonObject Describe(string kind, Tensor t, JsonObject? extra = null)
    {
        var span = t.Span;
        double sum = 0;
        foreach (var v in span) sum += v;
        var o = new JsonObject
        {
            ["kind"] = kind,
            ["shape"] = new JsonArray([.. t.Shape.Select(d => JsonValue.Create(d))]),
            ["sum"] = sum,
            ["min"] = t.Min(),
            ["max"] = t.Max(),
            ["head"] = new JsonArray([.. span[..Math.Min(8, span.Length)].ToArray().Select(v => JsonValue.Create(v))]),
        };
        // Small tensors (sampled latents, sigmas) are reported whole.
        if (span.Length <= 1024) o["data"] = new JsonArray([.. span.ToArray().Select(v => JsonValue.Create(v))]);
        if (extra is not null)
        {
            foreach (var (k, v) in extra) o[k] = v?.DeepClone();
        }
        return o;
    }
}
