using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ComfySharp.LoadGen;

/// <summary>One HttpClient and one listening WebSocket; completions are matched to prompt ids from <c>executing {node: null}</c>.</summary>
internal sealed class ComfyConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _waiting = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;

    private ComfyConnection(string url)
    {
        Url = url;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(url + "/"),
            Timeout = TimeSpan.FromMinutes(5),
        };
    }

    public string Url { get; }
    public HttpClient Http { get; }
    public string ClientId { get; } = Guid.NewGuid().ToString();

    public static async Task<ComfyConnection> OpenAsync(string url, CancellationToken ct)
    {
        var connection = new ComfyConnection(url);
        var ws = new UriBuilder(url) { Scheme = url.StartsWith("https", StringComparison.Ordinal) ? "wss" : "ws", Path = "/ws", Query = "clientId=" + connection.ClientId };
        connection._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await connection._socket.ConnectAsync(ws.Uri, ct);
        connection._reader = Task.Run(() => connection.ReadAsync(connection._stop.Token), ct);
        return connection;
    }

    /// <summary>Completes with the Stopwatch timestamp at which the prompt's final <c>executing {node: null}</c> arrived.</summary>
    public Task<long> WhenDone(string promptId) => Completion(promptId).Task;

    // Both sides get-or-add the same source, so a completion that arrives before the caller asks is never lost.
    private TaskCompletionSource<long> Completion(string promptId) =>
        _waiting.GetOrAdd(promptId, static _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task<(string? PromptId, string Body, int Status)> PostPromptAsync(JsonObject prompt, CancellationToken ct)
    {
        var body = new JsonObject { ["prompt"] = prompt, ["client_id"] = ClientId }.ToJsonString();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("prompt", content, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) return (null, text, (int)response.StatusCode);
        using var doc = JsonDocument.Parse(text);
        return (doc.RootElement.GetProperty("prompt_id").GetString(), text, (int)response.StatusCode);
    }

    private async Task ReadAsync(CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), ct);
                    length += result.Count;
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) return;
                if (result.MessageType != WebSocketMessageType.Text) continue;
                var now = System.Diagnostics.Stopwatch.GetTimestamp();
                var promptId = FinishedPromptId(buffer.AsSpan(0, length));
                if (promptId is null) continue;
                Completion(promptId).TrySetResult(now);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
    }

    /// <summary>The prompt id of an <c>executing</c> event whose node is null, read without building a DOM.</summary>
    private static string? FinishedPromptId(ReadOnlySpan<byte> json)
    {
        if (json.IndexOf("\"executing\""u8) < 0) return null;
        var reader = new Utf8JsonReader(json);
        string? type = null, promptId = null;
        var nodeIsNull = false;
        var depth = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    depth++;
                    break;
                case JsonTokenType.EndObject:
                    depth--;
                    break;
                case JsonTokenType.PropertyName:
                    var name = reader.GetString();
                    reader.Read();
                    if (depth == 1 && name == "type") type = reader.GetString();
                    else if (depth == 1 && name == "data" && reader.TokenType == JsonTokenType.StartObject) depth++;
                    else if (depth == 2 && name == "node") nodeIsNull = reader.TokenType == JsonTokenType.Null;
                    else if (depth == 2 && name == "prompt_id") promptId = reader.GetString();
                    else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
                    break;
            }
        }
        return type == "executing" && nodeIsNull ? promptId : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var t = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", t.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        if (_reader is not null) await _reader.ConfigureAwait(false);
        _socket.Dispose();
        Http.Dispose();
        _stop.Dispose();
    }
}
