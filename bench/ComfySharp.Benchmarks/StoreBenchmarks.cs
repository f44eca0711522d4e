using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using ComfySharp.Engine.Queue;
using ComfySharp.Storage.Sqlite;

namespace ComfySharp.Benchmarks;

/// <summary>
/// The durable store's share of one prompt, as a sequential POST and completion do it: the queue row committed, then the
/// queue row swapped for its history entry in a second commit, with history at ComfyUI's cap so every completion also
/// trims the oldest entry. Both commits run on the caller's thread (nobody else commits), as on an idle server.
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private const int Cap = PromptQueue.HistoryCap;

    private string _folder = "";
    private SqlitePromptStore _store = null!;
    private string _entryJson = "";
    private JsonObject _extraData = null!;
    private byte[] _prompt = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "comfysharp-storebench-" + Guid.NewGuid().ToString("N"));
        _store = SqlitePromptStore.OpenAsync(Path.Combine(_folder, "bench.db"), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _prompt = Encoding.UTF8.GetBytes("""
            {"1":{"class_type":"PrimitiveString","inputs":{"value":"bench-0000000000"}},"2":{"class_type":"StringConcatenate","inputs":{"string_a":["1",0],"string_b":"!","delimiter":""}},"3":{"class_type":"PreviewAny","inputs":{"source":["2",0]}}}
            """);
        _extraData = new JsonObject { ["client_id"] = "loadgen-0123456789abcdef0123456789abcdef", ["create_time"] = 1796664354886L };
        // A trivial prompt's entry as the worker writes it: the prompt tuple, one UI output, status with its messages.
        _entryJson = "{\"prompt\":[1,\"00000000-0000-0000-0000-000000000000\"," + Encoding.UTF8.GetString(_prompt) + "," +
            _extraData.ToJsonString() + ",[\"3\"]],\"outputs\":{\"3\":{\"text\":[\"bench-0000000000!\"]}},\"status\":{\"status_str\":\"success\"," +
            "\"completed\":true,\"messages\":[[\"execution_start\",{\"prompt_id\":\"00000000-0000-0000-0000-000000000000\",\"timestamp\":1796664354886}]," +
            "[\"execution_cached\",{\"nodes\":[],\"prompt_id\":\"00000000-0000-0000-0000-000000000000\",\"timestamp\":1796664354898}]," +
            "[\"execution_success\",{\"prompt_id\":\"00000000-0000-0000-0000-000000000000\",\"timestamp\":1796664354918}]]}," +
            "\"meta\":{\"3\":{\"node_id\":\"3\",\"display_node\":\"3\",\"parent_node\":null,\"real_node_id\":\"3\"}}}";
        for (var i = 0; i < Cap; i++) AddAndComplete();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public void AddAndComplete()
    {
        var id = Guid.NewGuid().ToString();
        var item = new QueueItem(_next++, id, _prompt, _extraData, ["3"]);
        Wait(_store.AddPendingAsync(item, CancellationToken.None));
        Wait(_store.MarkRunningAsync(id, CancellationToken.None));
        Wait(_store.CompleteAsync(id, new HistoryRecord(id, item.Number, 1796664354918, _entryJson), Cap, callerWaits: true, CancellationToken.None));
    }

    private static void Wait(ValueTask task)
    {
        if (task.IsCompletedSuccessfully) return;
        task.AsTask().GetAwaiter().GetResult();
    }
}
