using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ComfySharp.Interop.Tests;

/// <summary>The real <c>comfysharp serve</c> as a child process: started, killed with SIGKILL, or stopped with SIGTERM.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            const string marker = "ComfySharp listening on ";
            if (e.Data is { } line && line.StartsWith(marker, StringComparison.Ordinal))
            {
                _listening.TrySetResult(new Uri(line[marker.Length..].Split(' ')[0] + "/"));
            }
        };
        _process.ErrorDataReceived += (_, _) => { };
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"The server exited with {_process.ExitCode} before listening."));
    }

    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public int ExitCode => _process.ExitCode;

    public static async Task<ServerProcess> StartAsync(string baseDirectory, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[RepoPaths.CliDll, "serve", "--port", "0", "--base-directory", baseDirectory]) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        server.BaseAddress = await server._listening.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        server.Http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        return server;
    }

    /// <summary>A crash: SIGKILL, no chance to clean up.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>A polite stop: SIGTERM, as a service manager sends it.</summary>
    public async Task TerminateAsync(CancellationToken ct)
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync(ct);
        await _process.WaitForExitAsync(ct);
    }

    public async Task<string> QueueAsync(JsonObject prompt, string clientId, CancellationToken ct)
    {
        using var response = await Http.PostAsJsonAsync("prompt", new JsonObject { ["prompt"] = prompt, ["client_id"] = clientId }, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /prompt: {(int)response.StatusCode} {body}");
        return (string)body!["prompt_id"]!;
    }

    public async Task<JsonObject> GetAsync(string path, CancellationToken ct) => (await Http.GetFromJsonAsync<JsonObject>(path, ct))!;

    /// <summary>Polls until <paramref name="condition"/> holds (waiting on state, never asserting on time).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken ct)
    {
        while (!await condition()) await Task.Delay(50, ct);
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
