using System.Text.Json;
using System.Text.Json.Nodes;

namespace ComfySharp.Server.Http;

/// <summary>Reads JSON request bodies whatever the Content-Type (ComfyUI's example scripts send form content types).</summary>
internal static class RequestBodies
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 4096 };

    /// <summary>Parses the body; an empty body is <c>null</c>. Invalid JSON throws <see cref="JsonException"/>.</summary>
    public static async Task<JsonNode?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length == 0) return null;
        return JsonNode.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), NodeOptions, DocumentOptions);
    }
}
