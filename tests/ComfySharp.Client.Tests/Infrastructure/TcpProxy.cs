using System.Net;
using System.Net.Sockets;

namespace ComfySharp.Client.Tests.Infrastructure;

/// <summary>
/// A loopback TCP forwarder between the SDK and a server: <see cref="Drop"/> cuts every open connection (what a client sees when
/// the server or the network drops the socket), <see cref="Refuse"/> makes new connections close at once until <see cref="Accept"/>.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private volatile bool _refusing;
    private int _accepted;

    public TcpProxy(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _acceptLoop = AcceptLoopAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>Connections forwarded so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public void Drop()
    {
        lock (_open)
        {
            foreach (var c in _open) Reset(c);
            _open.Clear();
        }
    }

    public void Refuse() => _refusing = true;

    public void Accept() => _refusing = false;

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            if (_refusing)
            {
                Reset(client);
                continue;
            }
            Interlocked.Increment(ref _accepted);
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            client.Dispose();
            upstream.Dispose();
            return;
        }
        lock (_open)
        {
            _open.Add(client);
            _open.Add(upstream);
        }
        var a = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
        var b = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
        try
        {
            await Task.WhenAny(a, b);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        client.Dispose();
        upstream.Dispose();
        lock (_open)
        {
            _open.Remove(client);
            _open.Remove(upstream);
        }
    }

    /// <summary>Closes with RST, like a crashed peer.</summary>
    private static void Reset(TcpClient client)
    {
        try
        {
            client.Client?.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        client.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Drop();
        await _acceptLoop;
        _stop.Dispose();
    }
}
