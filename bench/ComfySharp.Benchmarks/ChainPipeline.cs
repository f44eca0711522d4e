using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Caching;
using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Queue;
using ComfySharp.Engine.Validation;
using ComfySharp.Nodes.Core;
using ComfySharp.Server.Http;

namespace ComfySharp.Benchmarks;

/// <summary>
/// The server's path for one <c>POST /prompt</c> without HTTP and SQLite: the body read without a tree, the tree-less
/// validation, the queue item, the run with classic caching through <see cref="OrderedEvents"/> into frames serialized as
/// the hub serializes them for a connected client, and the history entry. Chains as LoadGen's chain scenario posts them.
/// </summary>
internal sealed class ChainPipeline
{
    private readonly NodeRegistry _registry = new NodeRegistry().AddCoreNodes();
    private readonly PromptValidator _validator;
    private readonly PromptExecutor _executor;
    private readonly EngineFolders _folders = EngineFolders.Under(Path.GetTempPath());
    private readonly FrameSink _sink = new();
    private double _number;

    public ChainPipeline()
    {
        _validator = new PromptValidator(_registry);
        _executor = new PromptExecutor(_registry, OutputCache.Classic(), new OrderedEvents(_sink), TimeProvider.System);
    }

    /// <summary>Bytes of frames serialized so far.</summary>
    public long FrameBytes => _sink.Bytes;

    /// <summary>A POST body: PrimitiveString → <paramref name="length"/> × StringConcatenate → PreviewAny, with a client id.</summary>
    public static byte[] Body(int length, string seed)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + length * 128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("prompt");
            w.WriteStartObject("s");
            w.WriteString("class_type", "PrimitiveString");
            w.WriteStartObject("inputs");
            w.WriteString("value", seed);
            w.WriteEndObject();
            w.WriteEndObject();
            var previous = "s";
            for (var i = 0; i < length; i++)
            {
                var id = "c" + i.ToString(CultureInfo.InvariantCulture);
                w.WriteStartObject(id);
                w.WriteString("class_type", "StringConcatenate");
                w.WriteStartObject("inputs");
                w.WriteStartArray("string_a");
                w.WriteStringValue(previous);
                w.WriteNumberValue(0);
                w.WriteEndArray();
                w.WriteString("string_b", "");
                w.WriteString("delimiter", "");
                w.WriteEndObject();
                w.WriteEndObject();
                previous = id;
            }
            w.WriteStartObject("out");
            w.WriteString("class_type", "PreviewAny");
            w.WriteStartObject("inputs");
            w.WriteStartArray("source");
            w.WriteStringValue(previous);
            w.WriteNumberValue(0);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteString("client_id", "bench");
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>What <c>POST /prompt</c> does before the store: read, validate, make the queue item.</summary>
    public QueueItem Accept(byte[] body)
    {
        if (!RequestBodies.TryReadPrompt(body, out var request, out var raw)) throw new InvalidOperationException("Not the usual body.");
        var validated = _validator.TryValidate(raw!, null) ?? throw new InvalidOperationException("Not plainly valid.");
        request.Remove("prompt");
        var extraData = new JsonObject { ["client_id"] = request["client_id"]?.DeepClone(), ["create_time"] = 0L };
        return new QueueItem(++_number, Guid.NewGuid().ToString(), raw!.Utf8, extraData, validated.Outputs) { Nodes = validated.Nodes };
    }

    /// <summary>What the worker does: run the prompt, write its history entry, announce the end.</summary>
    public async Task<HistoryRecord> RunAsync(QueueItem item)
    {
        var extra = (JsonObject)item.ExtraData.DeepClone();
        var outcome = await _executor.ExecuteAsync(item, extra, item.Nodes!, item.OutputsToExecute, _folders, CancellationToken.None);
        if (outcome.Status != ExecutionStatus.Success) throw new InvalidOperationException("The chain failed.");
        var record = HistoryEntries.Create(item, outcome, TimeProvider.System);
        var scope = new ExecutionScope(item.PromptId, "bench");
        _sink.QueueChanged(0);
        _sink.ExecutionDone(scope);
        return record;
    }
}
