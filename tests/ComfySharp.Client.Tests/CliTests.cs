using System.Text.Json.Nodes;
using ComfySharp.Client.Tests.Infrastructure;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Client.Tests;

/// <summary>The built <c>comfysharp</c> CLI as a child process against a real server: stdout, stderr and exit codes.</summary>
public sealed class CliTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("comfysharp-cli-").FullName;

    private string Url => fixture.Server.BaseAddress.ToString();

    private string WriteWorkflow(string json)
    {
        var path = Path.Combine(_folder, Prompts.NewId() + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    private const string Progress = """{"1": {"class_type": "CsTestProgress", "inputs": {"steps": 3}, "_meta": {"title": "Stepper"}}}""";

    [Fact]
    public async Task Run_json_prints_the_result_and_exits_zero()
    {
        var ct = TestContext.Current.CancellationToken;
        var result = await CliProcess.RunAsync(_folder, ct, "run", WriteWorkflow(Progress), "--server", Url, "--set", "Stepper.steps=5", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var body = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("success", (string?)body["status"]);
        var promptId = (string)body["prompt_id"]!;
        var history = await fixture.Server.HistoryAsync(promptId, ct);
        Assert.Equal(5, (int)history["prompt"]![2]!["1"]!["inputs"]!["steps"]!); // --set reached the server
    }

    [Fact]
    public async Task Run_without_a_terminal_prints_plain_progress_lines()
    {
        var ct = TestContext.Current.CancellationToken;
        // Steps unique to this test: an identical prompt run by another test would be cached and report no progress.
        var result = await CliProcess.RunAsync(_folder, ct, "run", WriteWorkflow(Progress.Replace("\"steps\": 3", "\"steps\": 6", StringComparison.Ordinal)), "--server", Url);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("started ", lines[0], StringComparison.Ordinal);
        Assert.Contains("node 1 CsTestProgress", lines);
        Assert.Contains("progress 1 1/6", lines);
        Assert.Contains("progress 1 6/6", lines);
        Assert.Contains("text 1: done", lines);
        Assert.StartsWith("done ", lines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', result.Stdout); // no terminal escapes when redirected
    }

    [Fact]
    public async Task Run_in_a_pseudo_terminal_draws_progress_bars()
    {
        var ct = TestContext.Current.CancellationToken;
        // script(1) gives the CLI a pseudo-terminal, so it is not "redirected" and Spectre.Console draws its live display.
        var command = $"dotnet '{CliProcess.Dll}' run '{WriteWorkflow(Progress.Replace("\"steps\": 3", "\"steps\": 7", StringComparison.Ordinal))}' --server '{Url}'";
        var result = await CliProcess.RunProcessAsync("script", ["-q", "-e", "-c", command, "/dev/null"], _folder, ct,
            new Dictionary<string, string> { ["TERM"] = "xterm-256color", ["COLUMNS"] = "100", ["LINES"] = "30" });
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("1 CsTestProgress", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("100%", result.Stdout, StringComparison.Ordinal);
        Assert.Contains('\u001b', result.Stdout); // a live display, not plain lines
        Assert.DoesNotContain("progress 1 1/7", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("done ", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_prompt_exits_non_zero_with_the_server_error_on_one_line()
    {
        var ct = TestContext.Current.CancellationToken;
        var result = await CliProcess.RunAsync(_folder, ct, "run", WriteWorkflow("""{"1": {"class_type": "CsTestFail", "inputs": {"message": "kaput"}}}"""),
            "--server", Url);
        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: Prompt ", error, StringComparison.Ordinal);
        Assert.Contains("CsTestFail", error, StringComparison.Ordinal);
        Assert.Contains("kaput", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_prompt_and_bad_input_are_one_line_errors()
    {
        var ct = TestContext.Current.CancellationToken;
        var invalid = await CliProcess.RunAsync(_folder, ct, "run", WriteWorkflow(Progress), "--server", Url, "--set", "1.steps=1000", "--json");
        Assert.Equal(1, invalid.ExitCode);
        var line = Assert.Single(invalid.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("steps", line, StringComparison.Ordinal);
        var body = JsonNode.Parse(invalid.Stdout)!;
        Assert.Equal("prompt_outputs_failed_validation", (string?)body["server"]!["error"]!["type"]);

        (string[] Args, string Expected)[] cases =
        [
            (["run", Path.Combine(_folder, "missing.json"), "--server", Url], "missing.json"),
            (["run", WriteWorkflow("{not json"), "--server", Url], "not valid JSON"),
            (["run", WriteWorkflow("""{"nodes": [], "links": []}"""), "--server", Url], "UI-format"),
            (["run", WriteWorkflow(Progress), "--server", Url, "--set", "9.steps=1"], "'9'"),
            (["run", WriteWorkflow(Progress), "--server", Url, "--set", "nonsense"], "NODE.INPUT=VALUE"),
            (["queue", "--server", "ftp://x"], "http://"),
            (["history", "show", Guid.NewGuid().ToString(), "--server", Url], "no history entry"),
        ];
        foreach (var (args, expected) in cases)
        {
            var result = await CliProcess.RunAsync(_folder, ct, args);
            Assert.True(result.ExitCode == 1, result.ToString());
            var error = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: ", error, StringComparison.Ordinal);
            Assert.Contains(expected, error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Serve_refuses_an_unknown_preview_method_and_a_preview_size_below_one()
    {
        var ct = TestContext.Current.CancellationToken;
        (string[] Args, string Expected)[] cases =
        [
            (["serve", "--port", "0", "--ephemeral", "--preview-method", "fancy"], "--preview-method must be none, auto, latent2rgb or taesd"),
            (["serve", "--port", "0", "--ephemeral", "--preview-size", "0"], "--preview-size must be a positive number"),
        ];
        foreach (var (args, expected) in cases)
        {
            var result = await CliProcess.RunAsync(_folder, ct, [.. args, "--base-directory", _folder]);
            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unreachable_server_is_a_one_line_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var proxy = new TcpProxy(fixture.Server.BaseAddress);
        var dead = proxy.BaseAddress.ToString();
        await proxy.DisposeAsync();
        var result = await CliProcess.RunAsync(_folder, ct, "run", WriteWorkflow(Progress), "--server", dead);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: Cannot ", Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queue_history_nodes_and_interrupt_with_json()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await Servers.StartAsync();
        var url = server.BaseAddress.ToString();
        var gate = "cli-queue-" + Prompts.NewId();
        await using var socket = await server.ConnectAsync("cli-q", ct);
        var gatePrompt = new JsonObject { ["1"] = new JsonObject { ["class_type"] = "CsTestGate", ["inputs"] = new JsonObject { ["gate"] = gate } } };
        var running = await server.QueueAsync(gatePrompt, "cli-q", ct);
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        var pending = await server.QueueAsync((JsonObject)JsonNode.Parse(Progress)!, "cli-q", ct);
        var other = await server.QueueAsync((JsonObject)JsonNode.Parse(Progress)!, "cli-q", ct);

        var queue = JsonNode.Parse((await CliProcess.RunAsync(_folder, ct, "queue", "--server", url, "--json")).Stdout)!;
        Assert.Equal(running, (string?)queue["running"]![0]!["prompt_id"]);
        Assert.Equal([pending, other], queue["pending"]!.AsArray().Select(p => (string?)p!["prompt_id"]));
        var plain = await CliProcess.RunAsync(_folder, ct, "queue", "list", "--server", url);
        Assert.Contains($"running  {running}", plain.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, (await CliProcess.RunAsync(_folder, ct, "queue", "delete", pending, "--server", url)).ExitCode);
        queue = JsonNode.Parse((await CliProcess.RunAsync(_folder, ct, "queue", "--server", url, "--json")).Stdout)!;
        Assert.Equal([other], queue["pending"]!.AsArray().Select(p => (string?)p!["prompt_id"]));
        Assert.Equal(0, (await CliProcess.RunAsync(_folder, ct, "queue", "clear", "--server", url, "--json")).ExitCode);

        var interrupt = await CliProcess.RunAsync(_folder, ct, "interrupt", "--prompt-id", running, "--server", url, "--json");
        Assert.Equal(0, interrupt.ExitCode);
        await socket.CollectUntilDoneAsync(running, ct); // history is written before executing {node: null}
        var history = JsonNode.Parse((await CliProcess.RunAsync(_folder, ct, "history", "--server", url, "--json")).Stdout)!.AsArray();
        Assert.Equal("interrupted", (string?)history.Single(h => (string?)h!["prompt_id"] == running)!["status"]);
        var show = await CliProcess.RunAsync(_folder, ct, "history", "show", running, "--server", url, "--json");
        Assert.Equal("error", (string?)JsonNode.Parse(show.Stdout)!["status"]!["status_str"]);
        Assert.Equal(0, (await CliProcess.RunAsync(_folder, ct, "history", "clear", "--server", url)).ExitCode);
        Assert.Contains("history is empty", (await CliProcess.RunAsync(_folder, ct, "history", "list", "--server", url)).Stdout, StringComparison.Ordinal);

        var nodes = JsonNode.Parse((await CliProcess.RunAsync(_folder, ct, "nodes", "cstestprog", "--server", url, "--json")).Stdout)!.AsObject();
        Assert.Equal(["CsTestProgress"], nodes.Select(n => n.Key));
        var nodesPlain = await CliProcess.RunAsync(_folder, ct, "nodes", "CsTestProgress", "--server", url);
        Assert.Contains("CsTestProgress  [testing]  (steps:INT, preview:BOOLEAN) -> (INT)", nodesPlain.Stdout, StringComparison.Ordinal);
        Assert.Contains("no node matches", (await CliProcess.RunAsync(_folder, ct, "nodes", "zzzz-none", "--server", url)).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_stores_the_file_and_reports_its_name()
    {
        var ct = TestContext.Current.CancellationToken;
        var image = Path.Combine(_folder, "cli-upload-" + Prompts.NewId()[..8] + ".png");
        await File.WriteAllBytesAsync(image, TestNodes.ProgressNode.Png, ct);
        var plain = await CliProcess.RunAsync(_folder, ct, "upload", image, "--server", Url, "--subfolder", "cli");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains($"uploaded cli/{Path.GetFileName(image)} (input)", plain.Stdout, StringComparison.Ordinal);
        Assert.Equal(TestNodes.ProgressNode.Png, await File.ReadAllBytesAsync(Path.Combine(fixture.Server.Folder, "input", "cli", Path.GetFileName(image)), ct));

        // The same bytes again are not stored twice (ComfyUI compares the content); --json reports the stored name.
        var json = await CliProcess.RunAsync(_folder, ct, "upload", image, "--server", Url, "--subfolder", "cli", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var body = JsonNode.Parse(json.Stdout)!;
        Assert.Equal(Path.GetFileName(image), (string?)body["name"]);
        Assert.Equal("cli", (string?)body["subfolder"]);

        var missing = await CliProcess.RunAsync(_folder, ct, "upload", Path.Combine(_folder, "nope.png"), "--server", Url);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("error: ", missing.Stderr, StringComparison.Ordinal);
        Assert.Single(missing.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task The_packed_tool_installs_offline_from_the_local_folder_and_runs()
    {
        var ct = TestContext.Current.CancellationToken;
        var packages = Path.Combine(_folder, "packages");
        var tools = Path.Combine(_folder, "tools");
        var pack = await CliProcess.RunProcessAsync("dotnet",
            ["pack", Path.Combine(CliProcess.RepoRoot, "src", "ComfySharp.Cli", "ComfySharp.Cli.csproj"), "-c", CliProcess.Configuration, "--no-build", "-o", packages, "-nologo"],
            _folder, ct);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        // Only the local folder as a source: the tool package carries its dependencies, so no registry is needed.
        File.WriteAllText(Path.Combine(_folder, "nuget.config"), """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /></packageSources></configuration>
            """);
        var install = await CliProcess.RunProcessAsync("dotnet",
            ["tool", "install", "ComfySharp.Cli", "--tool-path", tools, "--add-source", packages, "--configfile", Path.Combine(_folder, "nuget.config")],
            _folder, ct);
        Assert.True(install.ExitCode == 0, install.ToString());
        var help = await CliProcess.RunProcessAsync(Path.Combine(tools, "comfysharp"), ["--help"], _folder, ct);
        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var command in (string[])["serve", "run", "queue", "history", "nodes", "interrupt", "upload"]) Assert.Contains(command, help.Stdout, StringComparison.Ordinal);
        var nodes = await CliProcess.RunProcessAsync(Path.Combine(tools, "comfysharp"), ["nodes", "CsTestGate", "--server", Url], _folder, ct);
        Assert.True(nodes.ExitCode == 0, nodes.ToString());
        Assert.Contains("CsTestGate", nodes.Stdout, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
