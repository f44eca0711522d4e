using System.Net;
using ComfySharp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace ComfySharp.Server.Http;

/// <summary>
/// protocol.md §1.3. Default: refuse cross-site browser requests to a loopback server (a web page must not drive it);
/// <c>--enable-cors-header [ORIGIN]</c>: answer every request with CORS headers instead.
/// </summary>
internal sealed class OriginMiddleware(RequestDelegate next, IOptions<ServerOptions> options)
{
    private readonly string? _corsOrigin = options.Value.EnableCorsHeader;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (_corsOrigin is not null)
        {
            var headers = context.Response.Headers;
            headers.AccessControlAllowOrigin = _corsOrigin.Length == 0 ? "*" : _corsOrigin;
            headers.AccessControlAllowMethods = "POST, GET, DELETE, PUT, OPTIONS, PATCH";
            headers.AccessControlAllowHeaders = "Content-Type, Authorization";
            headers.AccessControlAllowCredentials = "true";
            if (HttpMethods.IsOptions(request.Method)) return Task.CompletedTask;
            return next(context);
        }

        if (request.Headers["Sec-Fetch-Site"] == "cross-site") return Forbidden(context);
        var origin = request.Headers.Origin.ToString();
        var host = request.Headers.Host.ToString();
        if (origin.Length > 0 && host.Length > 0 && IsLoopbackHost(host) && !SameHost(host, origin)) return Forbidden(context);
        if (HttpMethods.IsOptions(request.Method)) return Task.CompletedTask;
        return next(context);
    }

    private static Task Forbidden(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    /// <summary>Host and Origin netlocs compared lower-cased; a side without a port ignores the other side's port.</summary>
    private static bool SameHost(string host, string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var originUri)) return false;
        var (hostName, hostPort) = Split(host.ToLowerInvariant());
        var originHost = originUri.Host;
        var originHasPort = originUri.Authority.Contains(':', StringComparison.Ordinal) && !originUri.Authority.EndsWith(']');
        var originPort = originHasPort ? originUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        if (!string.Equals(hostName.Trim('[', ']'), originHost.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)) return false;
        return hostPort is null || originPort is null || hostPort == originPort;
    }

    private static (string Name, string? Port) Split(string host)
    {
        var colon = host.LastIndexOf(':');
        if (colon > 0 && host.IndexOf(']', StringComparison.Ordinal) < colon) return (host[..colon], host[(colon + 1)..]);
        return (host, null);
    }

    private static bool IsLoopbackHost(string host)
    {
        var name = Split(host).Name.Trim('[', ']');
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(name, out var ip) && IPAddress.IsLoopback(ip);
    }
}
