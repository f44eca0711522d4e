using Microsoft.AspNetCore.Http.Features;

namespace ComfySharp.Server.Sessions;

/// <summary>
/// Wraps the connection's upgrade so the WebSocket built on it writes through a <see cref="CoalescingStream"/>
/// (installed for <c>/ws</c> before the WebSocket middleware captures the feature).
/// </summary>
internal sealed class CoalescingUpgradeFeature(IHttpUpgradeFeature inner) : IHttpUpgradeFeature
{
    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    /// <summary>The stream handed to the WebSocket, once upgraded.</summary>
    public CoalescingStream? Stream { get; private set; }

    public async Task<Stream> UpgradeAsync()
    {
        Stream = new CoalescingStream(await inner.UpgradeAsync());
        return Stream;
    }

    /// <summary>Installs the wrapper on WebSocket requests to <c>/ws</c>.</summary>
    public static Task InstallAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade &&
            context.Request.Path.Value is { } path && path.EndsWith("/ws", StringComparison.Ordinal))
        {
            var feature = new CoalescingUpgradeFeature(upgrade);
            context.Features.Set<IHttpUpgradeFeature>(feature);
            context.Features.Set(feature);
        }
        return next(context);
    }
}
