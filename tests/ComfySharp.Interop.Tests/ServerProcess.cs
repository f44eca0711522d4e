using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace ComfySharp.Interop.Tests;

/// <summary>
/// The real <c>comfysharp serve</c> (SQLite store, not ephemeral) as a child process: started, killed with SIGKILL, or
/// stopped with SIGTERM. Disposing kills it if it still runs.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const string ListeningMarker = "ComfySharp listening on ";

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            Append(line);
            if (line.StartsWith(ListeningMarker, StringComparison.Ordinal))
            {
                _listening.TrySetResult(new Uri(line[ListeningMarker.Length..].Split(' ')[0] + "/"));
            }
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Append(line); };
        _process.Exited += (_, _) =>
        {
            // Waits for the redirected output to be read to its end, so the log holds the server's last words.
            _process.WaitForExit();
            _listening.TrySetException(new InvalidOperationException("The server exited before listening:\n" + Log));
        };
    }

    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public int Id => _process.Id;
    public int ExitCode => _process.ExitCode;

    /// <summary>What the server wrote to stdout and stderr so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>Starts <c>dotnet comfysharp.dll serve --port 0 --base-directory DIR</c> and waits for its "listening" line.</summary>
    public static async Task<ServerProcess> StartAsync(string baseDirectory, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            // appsettings.json and COMFYSHARP_ variables are read too: neither may leak in from the machine running the tests.
            WorkingDirectory = baseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("COMFYSHARP_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }
        foreach (var a in (string[])[RepoPaths.CliDll, "serve", "--port", "0", "--base-directory", baseDirectory]) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.BaseAddress = await server._listening.Task.WaitAsync(TimeSpan.FromSeconds(90), ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        server.Http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        return server;
    }

    /// <summary>A crash: SIGKILL, no chance to clean up.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>A polite stop: SIGTERM, as a service manager sends it. Returns whether the process exited within <paramref name="within"/>.</summary>
    public async Task<bool> TerminateAsync(TimeSpan within, CancellationToken ct)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(ct);
            if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} exited with {kill.ExitCode}");
        }
        try
        {
            await _process.WaitForExitAsync(ct).WaitAsync(within, ct);
            _process.WaitForExit(); // drains the redirected streams
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public Task<EventSocket> ConnectAsync(string clientId, CancellationToken ct) => EventSocket.ConnectAsync(BaseAddress, clientId, ct);

    public async Task<string> QueueAsync(JsonObject prompt, string clientId, CancellationToken ct, string? promptId = null)
    {
        var request = new JsonObject { ["prompt"] = prompt, ["client_id"] = clientId };
        if (promptId is not null) request["prompt_id"] = promptId;
        using var response = await Http.PostAsJsonAsync("prompt", request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /prompt: {(int)response.StatusCode} {body}");
        return (string)JsonNode.Parse(body)!["prompt_id"]!;
    }

    /// <summary>POSTs <paramref name="body"/> and fails unless the answer is a success.</summary>
    public async Task PostAsync(string path, JsonObject body, CancellationToken ct)
    {
        using var response = await Http.PostAsJsonAsync(path, body, ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    public async Task<JsonObject> GetAsync(string path, CancellationToken ct) => (await Http.GetFromJsonAsync<JsonObject>(path, ct))!;

    /// <summary>The history entry of <paramref name="promptId"/>, or null when it has none (yet).</summary>
    public async Task<JsonObject?> HistoryAsync(string promptId, CancellationToken ct) =>
        (await GetAsync($"history/{promptId}", ct))[promptId]?.AsObject();

    /// <summary>
    /// Waits for the prompt's history entry: the socket (same client id as the prompt) is connected first, so either the
    /// entry is already there or <c>executing {node: null}</c> for the prompt is still to come on it.
    /// </summary>
    public async Task<JsonObject> WaitForHistoryAsync(EventSocket socket, string promptId, CancellationToken ct)
    {
        if (await HistoryAsync(promptId, ct) is { } entry) return entry;
        await socket.WaitForAsync(e => EventSocket.IsExecuting(e, promptId, null), ct);
        return await HistoryAsync(promptId, ct) ?? throw new InvalidOperationException($"executing null for {promptId} came before its history");
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        _process.Dispose();
    }

    private void Append(string line)
    {
        lock (_log) _log.AppendLine(line);
    }
}
