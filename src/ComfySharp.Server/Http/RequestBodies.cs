using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Validation;

namespace ComfySharp.Server.Http;

/// <summary>Reads JSON request bodies whatever the Content-Type (ComfyUI's example scripts send form content types).</summary>
internal static class RequestBodies
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 4096 };
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 4096 };
    // Bytes rented up front for a declared Content-Length; a larger body grows as it arrives, so a client that declares a
    // large body and sends little does not make the server hold the memory.
    private const int MaxInitialBuffer = 1 << 20;

    /// <summary>Parses the body; an empty body is <c>null</c>. Invalid JSON throws <see cref="JsonException"/>.</summary>
    public static async Task<JsonNode?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        using var body = await ReadBytesAsync(request, ct);
        return Parse(body.Span);
    }

    /// <summary>As <see cref="ReadAsync"/>, from bytes already read.</summary>
    /// <exception cref="JsonException">Invalid JSON, or bytes that are not UTF-8.</exception>
    public static JsonNode? Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return null;
        // The JSON reader checks the UTF-8 of a string only when the string is read, so a bad byte in a value nobody has read
        // yet would pass here and throw later, in validation or in the worker (which took the server down).
        if (!Utf8.IsValid(body)) throw new JsonException("The request body is not valid UTF-8.");
        return JsonNode.Parse(body, NodeOptions, DocumentOptions);
    }

    /// <summary>The whole body in a rented buffer (a long prompt's body would otherwise grow through the large object heap).</summary>
    public static async Task<Body> ReadBytesAsync(HttpRequest request, CancellationToken ct)
    {
        var size = request.ContentLength is { } declared ? (int)Math.Clamp(declared, 1, MaxInitialBuffer) : 16 * 1024;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), ct);
                if (read == 0) return new Body(buffer, length);
                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Reads a <c>POST /prompt</c> body of the usual shape without a JSON tree for the prompt: an object whose
    /// <c>prompt</c> is an object <see cref="RawPrompt"/> reads, no property twice. Its other properties come back as JSON.
    /// False for any other body (invalid JSON or UTF-8 included): <see cref="Parse"/> then reads it and the route reports what
    /// is wrong.
    /// </summary>
    public static bool TryReadPrompt(ReadOnlySpan<byte> body, out JsonObject request, out RawPrompt? prompt)
    {
        request = [];
        prompt = null;
        if (!Utf8.IsValid(body)) return false;
        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (request.ContainsKey(name) || (prompt is not null && name == "prompt")) return false;
                reader.Read();
                if (name == "prompt")
                {
                    if (!RawPrompt.TryRead(body, ref reader, out prompt)) return false;
                }
                else
                {
                    request[name] = JsonNode.Parse(ref reader, NodeOptions);
                }
            }
            return prompt is not null && !reader.Read();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // Invalid JSON, invalid UTF-8, nesting deeper than the queue writes: the tree's way reports or fails as before.
            return false;
        }
    }

    /// <summary>A request body in a rented buffer, returned on dispose.</summary>
    public readonly struct Body(byte[] buffer, int length) : IDisposable
    {
        public ReadOnlySpan<byte> Span => buffer.AsSpan(0, length);

        public void Dispose() => ArrayPool<byte>.Shared.Return(buffer);
    }
}
