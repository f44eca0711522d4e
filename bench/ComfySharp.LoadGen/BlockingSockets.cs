using System.Net;
using System.Net.Sockets;

namespace ComfySharp.LoadGen;

/// <summary>
/// Connects the generator's blocking sockets. They are connected with a blocking connect and never given a timeout: an async
/// call or a timeout would switch the socket to non-blocking for good, and .NET would then emulate every later blocking call
/// through its epoll thread (a hand-off per receive). The bound is a timer that closes the socket instead.
/// </summary>
internal static class BlockingSockets
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The server's address; a host name is resolved when connecting.</summary>
    public static EndPoint EndPointOf(Uri url) =>
        IPAddress.TryParse(url.DnsSafeHost, out var address) ? new IPEndPoint(address, url.Port) : new DnsEndPoint(url.DnsSafeHost, url.Port);

    /// <summary>A connected blocking TCP socket with Nagle's algorithm off.</summary>
    /// <exception cref="IOException">Refused, unreachable, or no connection within <see cref="ConnectTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static Socket Connect(EndPoint endPoint, string authority, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            Bounded(socket, () => socket.Connect(endPoint), $"No connection to {authority} within {ConnectTimeout.TotalSeconds:0} s.", ct);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            // The same wording as HttpClient's, so errors read alike for http and https URLs (a blocking connect's own
            // message also names the address, mapped to IPv6).
            throw new IOException($"{new SocketException((int)ex.SocketErrorCode).Message} ({authority})", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs blocking <paramref name="work"/> on <paramref name="socket"/> for at most <see cref="ConnectTimeout"/>: past it, or
    /// when <paramref name="ct"/> is cancelled, the socket is closed, which ends the blocked call.
    /// </summary>
    /// <exception cref="IOException">Timed out (with <paramref name="timeoutMessage"/>); the socket is closed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled; the socket is closed.</exception>
    public static void Bounded(Socket socket, Action work, string timeoutMessage, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConnectTimeout);
        Exception? failure = null;
        using (timeout.Token.UnsafeRegister(static state => ((Socket)state!).Dispose(), socket))
        {
            try
            {
                work();
            }
            catch (Exception ex) when (timeout.IsCancellationRequested)
            {
                failure = ex;
            }
        }
        // Disposing the registration waited for a callback under way, so a timer that fired just after the work is seen here.
        if (!timeout.IsCancellationRequested) return;
        socket.Dispose();
        ct.ThrowIfCancellationRequested();
        throw new IOException(timeoutMessage, failure);
    }
}
