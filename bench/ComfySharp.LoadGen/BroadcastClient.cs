using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;

namespace ComfySharp.LoadGen;

/// <summary>A passive WebSocket client of the broadcast scenario: it only listens for <c>status</c> frames.</summary>
internal sealed class BroadcastClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly TaskCompletionSource _greeted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _index;
    private Task _listener = Task.CompletedTask;
    private BroadcastRound? _round;
    private Exception? _lost;

    private BroadcastClient(int index) => _index = index;

    /// <summary>Connects and waits for the greeting <c>status</c>, so no greeting can be mistaken for a round's status.</summary>
    public static async Task<BroadcastClient> ConnectAsync(Uri url, string run, int index, CancellationToken ct)
    {
        var client = new BroadcastClient(index);
        try
        {
            client._socket.Options.Proxy = null;
            client._socket.Options.KeepAliveInterval = TimeSpan.Zero;
            var clientId = string.Create(CultureInfo.InvariantCulture, $"loadgen-bcast-{run}-{index}");
            await client._socket.ConnectAsync(ComfyConnection.SocketUrl(url, clientId), ct);
            client._listener = Task.Run(() => client.ListenAsync(client._stop.Token), CancellationToken.None);
            await client._greeted.Task.WaitAsync(ct);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Makes the next <c>status</c> this socket receives count for <paramref name="round"/>.</summary>
    public void Arm(BroadcastRound round)
    {
        Volatile.Write(ref _round, round);
        if (Volatile.Read(ref _lost) is { } lost) round.Lost(_index, lost);
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var reader = new MessageReader(_socket, 4096);
        var arrivedIn = -1; // the last round this socket arrived in
        var drainedIn = -1;
        Exception lost;
        try
        {
            while (true)
            {
                var (type, data) = await reader.ReceiveAsync(ct);
                if (type == WebSocketMessageType.Close) break;
                // Binary frames and every other event (a busy server may broadcast progress or previews) are skipped.
                if (type != WebSocketMessageType.Text || data.Span.IndexOf("\"status\""u8) < 0) continue;
                var now = Stopwatch.GetTimestamp();
                var e = ComfyEvent.Parse(data.Span);
                if (!e.IsStatus) continue;
                _greeted.TrySetResult();
                if (Volatile.Read(ref _round) is not { } round) continue;
                if (arrivedIn != round.Number)
                {
                    arrivedIn = round.Number;
                    round.Arrived(_index, now);
                }
                if (e.QueueRemaining == 0 && drainedIn != round.Number)
                {
                    drainedIn = round.Number;
                    round.Drained();
                }
            }
            lost = new IOException("the server closed it");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            lost = ex;
        }
        Volatile.Write(ref _lost, lost);
        _greeted.TrySetException(lost);
        Volatile.Read(ref _round)?.Lost(_index, lost);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", closing.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        await _stop.CancelAsync();
        await _listener;
        _socket.Dispose();
        _stop.Dispose();
    }
}
