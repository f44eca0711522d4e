using System.Globalization;

namespace ComfySharp.LoadGen;

/// <summary>
/// A passive WebSocket client of the broadcast scenario where there is no epoll (<see cref="AsyncBroadcastListeners"/>): it
/// only listens for <c>status</c> frames, with async receives.
/// </summary>
internal sealed class BroadcastClient : IAsyncDisposable
{
    private readonly TaskCompletionSource _greeted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _index;
    private RawWebSocket? _socket;
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
            var clientId = string.Create(CultureInfo.InvariantCulture, $"loadgen-bcast-{run}-{index}");
            var socket = client._socket = await RawWebSocket.ConnectAsync(url, clientId, 4096, ct);
            client._listener = Task.Run(() => client.ListenAsync(socket, client._stop.Token), CancellationToken.None);
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

    private async Task ListenAsync(RawWebSocket socket, CancellationToken ct)
    {
        var arrivedIn = -1; // the last round this socket arrived in
        var drainedIn = -1;
        Exception lost;
        try
        {
            while (await socket.ReceiveAsync(ct) is { } message)
            {
                // Binary frames and every other event (a busy server may broadcast progress or previews) are skipped.
                if (!message.IsText || message.Data.Span.IndexOf("\"status\""u8) < 0) continue;
                var e = ComfyEvent.Parse(message.Data.Span);
                if (!e.IsStatus) continue;
                _greeted.TrySetResult();
                if (Volatile.Read(ref _round) is not { } round) continue;
                if (arrivedIn != round.Number)
                {
                    arrivedIn = round.Number;
                    round.Arrived(_index, message.ReceivedAt);
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
        _socket?.SendClose();
        await _stop.CancelAsync();
        await _listener;
        _socket?.Dispose();
        _stop.Dispose();
    }
}
