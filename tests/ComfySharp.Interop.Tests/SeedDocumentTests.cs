using System.Text.Json.Nodes;

namespace ComfySharp.Interop.Tests;

/// <summary>The WebSocket API document's own Python client flow (Debian's websocket-client, urllib) against a real server.</summary>
public sealed class SeedDocumentTests : InProcessServer
{
    [Fact]
    public async Task The_seed_documents_python_client_runs_a_prompt_to_completion()
    {
        var ct = TestContext.Current.CancellationToken;
        var (exit, output, error) = await ChildProcess.RunAsync("/usr/bin/python3",
            [Path.Combine(RepoPaths.Interop, "seed_flow.py"), Server.BaseAddress.Authority], RepoPaths.Interop, TimeSpan.FromMinutes(2), ct);
        Assert.True(exit == 0, $"seed_flow.py failed ({exit}): {output}\n{error}");

        var result = JsonNode.Parse(output)!;
        var events = result["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var types = events.Select(e => (string)e["type"]!).ToList();
        var promptId = (string)result["answer_prompt_id"]!;

        // The handshake: status first, carrying the client's id as sid.
        Assert.Equal("status", types[0]);
        Assert.False(string.IsNullOrEmpty((string?)result["sid"]));

        // execution_start, then executing for every node, executed for the output node, execution_success, executing null last.
        var start = types.IndexOf("execution_start");
        var executing = Indexes(events, "executing", promptId, node: null, anyNode: true);
        var ranNodes = executing.Select(i => (string?)events[i]["node"]).Where(n => n is not null).ToList();
        Assert.True(start > 0, string.Join(",", types));
        Assert.Equal(["1", "2", "3"], ranNodes.Order());
        Assert.All(executing, i => Assert.True(i > start));
        var executed = Indexes(events, "executed", promptId, "3", anyNode: false);
        Assert.Single(executed);
        var success = types.IndexOf("execution_success");
        Assert.True(success > executed[0], string.Join(",", types));
        Assert.Equal("executing", types[^1]);
        Assert.Null((string?)events[^1]["node"]);
        Assert.Equal(promptId, (string?)events[^1]["prompt_id"]);
        Assert.True(success < events.Count - 1);

        // And the history the document reads afterwards holds PreviewAny's text.
        Assert.Equal("success", (string?)result["status"]);
        Assert.Equal($"Hello {result["sid"]}, seed document", (string?)result["text"]);
    }

    private static List<int> Indexes(List<JsonObject> events, string type, string promptId, string? node, bool anyNode) =>
        [.. events.Select((e, i) => (e, i))
            .Where(x => (string?)x.e["type"] == type && (string?)x.e["prompt_id"] == promptId && (anyNode || (string?)x.e["node"] == node))
            .Select(x => x.i)];
}
