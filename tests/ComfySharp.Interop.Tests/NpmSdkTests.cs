using System.Text.Json.Nodes;

namespace ComfySharp.Interop.Tests;

/// <summary>A third-party npm ComfyUI SDK (@saintno/comfyui-sdk), through its own API, against a real server.</summary>
public sealed class NpmSdkTests : InProcessServer
{
    [Fact]
    public async Task The_npm_comfyui_sdk_runs_a_prompt_through_its_own_api()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = Server.BaseAddress.GetLeftPart(UriPartial.Authority);
        var (exit, output, error) = await RunFlowAsync(url, ct);
        if (exit != 0 && LostItsOwnListenersRace(output))
        {
            // The SDK's CallWrapper attaches its event listeners only after the POST's response is read. A prompt this server
            // has already run by then (its events all arrived, `executing` null included) leaves the wrapper waiting for an
            // event that came before it listened, until the SDK's 10 s socket timeout reports it "disconnected". Seen on a
            // loaded machine; the second run must pass with every assertion below.
            (exit, output, error) = await RunFlowAsync(url, ct);
        }
        Assert.True(exit == 0, $"sdk_flow.mjs failed ({exit}): {output}\n{error}");

        var result = JsonNode.Parse(output.Trim().Split('\n')[^1])!;
        Assert.True((bool)result["ok"]!, output);
        var text = (string?)result["text"];
        Assert.EndsWith(" from the npm SDK", text);
        Assert.Equal(text, (string?)result["history_text"]);
        Assert.Equal("success", (string?)result["history_status"]);
        var events = result["events"]!.AsArray().Select(e => (string)e!).ToList();
        Assert.Equal("status", events[0]);
        Assert.True(events.IndexOf("execution_start") < events.IndexOf("executed"));
        Assert.True(events.IndexOf("executed") < events.IndexOf("execution_success"));
        Assert.Equal(["1", "2", "3"], result["ran"]!.AsArray().Select(n => (string)n!).Order());
        Assert.Equal("linux", (string?)result["os"]);
    }

    private static Task<(int Exit, string Output, string Error)> RunFlowAsync(string url, CancellationToken ct) =>
        ChildProcess.RunAsync("node", [Path.Combine(RepoPaths.Interop, "sdk_flow.mjs"), url], RepoPaths.Interop, TimeSpan.FromMinutes(2), ct);

    /// <summary>The flow failed with the SDK's DisconnectedError after the whole prompt had reached the socket.</summary>
    private static bool LostItsOwnListenersRace(string output)
    {
        var last = output.Trim().Split('\n')[^1];
        if (!last.Contains("DisconnectedError", StringComparison.Ordinal)) return false;
        try
        {
            var events = JsonNode.Parse(last)?["events"]?.AsArray();
            return events is not null && events.Any(e => (string?)e?["type"] == "executing" && e["node"] is null) &&
                events.Any(e => (string?)e?["type"] == "execution_success");
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
