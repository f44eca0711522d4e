using ComfySharp.Server.Sessions;

namespace ComfySharp.Server.Routes;

/// <summary>Every ComfyUI route this server implements (protocol.md §2); <c>/api</c> copies come from the path base.</summary>
internal static class RouteTable
{
    public static void MapComfyRoutes(this WebApplication app)
    {
        app.Map("/ws", WebSocketEndpoint.HandleAsync);
        PromptRoutes.Map(app);
        QueueRoutes.Map(app);
        HistoryRoutes.Map(app);
        InfoRoutes.Map(app);
        JobsRoutes.Map(app);
        ViewRoutes.Map(app);
        UploadRoutes.Map(app);
        ViewMetadataRoutes.Map(app);
    }
}
