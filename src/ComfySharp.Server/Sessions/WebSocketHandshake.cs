using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace ComfySharp.Server.Sessions;

/// <summary>
/// The server side of the WebSocket opening handshake (RFC 6455 §4.2) on an HTTP/1.1 upgrade. The connection's stream is
/// wrapped in a <see cref="CoalescingStream"/> so that the frames of one burst leave in one write.
/// </summary>
internal static class WebSocketHandshake
{
    /// <summary>The GUID RFC 6455 §1.3 appends to the client's key before hashing.</summary>
    private const string KeyGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The connection's upgrade, when <paramref name="request"/> is a valid opening handshake: GET, <c>Connection: Upgrade</c>,
    /// <c>Upgrade: websocket</c>, <c>Sec-WebSocket-Version: 13</c> and a key of 16 bytes in base64.
    /// </summary>
    public static IHttpUpgradeFeature? Upgrade(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method)) return null;
        if (context.Features.Get<IHttpUpgradeFeature>() is not { IsUpgradableRequest: true } upgrade) return null;
        var headers = request.Headers;
        if (!HasToken(headers.Connection, "Upgrade") || !HasToken(headers.Upgrade, "websocket")) return null;
        if (headers.SecWebSocketVersion.ToString() != "13") return null;
        return IsValidKey(headers.SecWebSocketKey.ToString()) ? upgrade : null;
    }

    /// <summary>Answers 101 with the accept key, and opens the server side of the WebSocket on the upgraded connection.</summary>
    public static async Task<(WebSocket Socket, CoalescingStream Connection)> AcceptAsync(HttpContext context, IHttpUpgradeFeature upgrade)
    {
        var headers = context.Response.Headers;
        headers.Connection = "Upgrade";
        headers.Upgrade = "websocket";
        headers.SecWebSocketAccept = AcceptKey(context.Request.Headers.SecWebSocketKey.ToString());
        // The socket itself only when the bytes go to it as they are (no TLS layer between the stream and the socket).
        var raw = context.Features.Get<ITlsConnectionFeature>() is null ? context.Features.Get<IConnectionSocketFeature>()?.Socket : null;
        var connection = new CoalescingStream(await upgrade.UpgradeAsync(), raw);
        var socket = WebSocket.CreateFromStream(connection, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = KeepAliveInterval });
        return (socket, connection);
    }

    /// <summary><c>Sec-WebSocket-Accept</c>: base64 of the SHA-1 of the client's key followed by <see cref="KeyGuid"/>.</summary>
    public static string AcceptKey(string key)
    {
        Span<byte> hash = stackalloc byte[Sha1.HashBytes];
        Sha1.Hash(Encoding.ASCII.GetBytes(key + KeyGuid), hash);
        return Convert.ToBase64String(hash);
    }

    private static bool IsValidKey(string key)
    {
        Span<byte> decoded = stackalloc byte[24];
        return key.Length == 24 && Convert.TryFromBase64String(key, decoded, out var written) && written == 16;
    }

    /// <summary>Whether a comma-separated header holds <paramref name="token"/>, in any case.</summary>
    private static bool HasToken(StringValues values, string token)
    {
        foreach (var value in values)
        {
            if (value is null) continue;
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
            {
                if (part.Equals(token, StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return false;
    }
}
