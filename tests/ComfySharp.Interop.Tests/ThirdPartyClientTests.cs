using System.Text.Json.Nodes;
using ComfySharp.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace ComfySharp.Interop.Tests;

/// <summary>Clients nobody here wrote, driving a real server: the seed document's Python flow and an npm ComfyUI SDK.</summary>
public sealed class ThirdPartyClientTests : IAsyncLifetime
{
    private ComfySharpServer _server = null!;
    private string _folder = "";

    public async ValueTask InitializeAsync()
    {
        _folder = RepoPaths.NewTempFolder();
        _server = await ComfySharpServer.StartAsync(new ServerOptions { Port = 0, BaseDirectory = _folder, Ephemeral = true },
            logging: l => l.SetMinimumLevel(LogLevel.Warning), ct: TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task The_seed_documents_python_client_runs_a_prompt_to_completion()
    {
        var ct = TestContext.Current.CancellationToken;
        var address = _server.BaseAddress.Authority;
        var (exit, output, error) = await ChildProcess.RunAsync("/usr/bin/python3", [Path.Combine(RepoPaths.Interop, "seed_flow.py"), address],
            RepoPaths.Interop, ct);
        Assert.True(exit == 0, $"seed_flow.py failed ({exit}): {output}\n{error}");
        var result = JsonNode.Parse(output)!;
        var types = result["types"]!.AsArray().Select(t => (string)t!).ToList();
        Assert.Equal("status", types[0]);
        Assert.Contains("execution_start", types);
        Assert.Contains("executed", types);
        Assert.Contains("execution_success", types);
        Assert.Equal("executing", types[^1]);
        Assert.Equal("success", (string?)result["status"]);
    }

    [Fact]
    public async Task The_npm_comfyui_sdk_runs_a_prompt_through_its_own_api()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = _server.BaseAddress.GetLeftPart(UriPartial.Authority);
        var (exit, output, error) = await ChildProcess.RunAsync("node", [Path.Combine(RepoPaths.Interop, "sdk_flow.mjs"), url], RepoPaths.Interop, ct);
        Assert.True(exit == 0, $"sdk_flow.mjs failed ({exit}): {output}\n{error}");
        var result = JsonNode.Parse(output.Trim().Split('\n')[^1])!;
        Assert.True((bool)result["ok"]!);
        Assert.Equal("Hello from the npm SDK", (string?)result["text"]);
        Assert.Equal("linux", (string?)result["os"]);
    }
}
