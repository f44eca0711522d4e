using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Queue;
using ComfySharp.Server.Http;

namespace ComfySharp.Server.Routes;

/// <summary><c>/history</c> (protocol.md §2.8): stored entries are raw JSON text, written out without re-serializing.</summary>
internal static class HistoryRoutes
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/history", GetAllAsync);
        app.MapGet("/history/{promptId}", GetOneAsync);
        app.MapPost("/history", PostAsync);
    }

    private static async Task GetAllAsync(HttpContext context, IPromptStore store)
    {
        var ct = context.RequestAborted;
        if (!TryInt(context, "max_items", out var maxItems) || !TryInt(context, "offset", out var offsetParam))
        {
            // ComfyUI fails with a 500 on a non-integer; say what is wrong instead.
            await JsonResults.SimpleError(context, "max_items and offset must be integers");
            return;
        }
        var count = await store.CountHistoryAsync(ct);
        // ComfyUI: offset defaults to -1; a negative offset with max_items means "the last max_items".
        var offset = offsetParam ?? -1;
        if (offset < 0 && maxItems is not null) offset = count - maxItems.Value;
        if (offset < 0) offset = 0;
        if (maxItems is < 0) maxItems = 0;
        var records = offset >= count ? [] : await store.ReadHistoryAsync(offset, maxItems, ct);
        await WriteEntriesAsync(context, records);
    }

    private static async Task GetOneAsync(HttpContext context, string promptId, IPromptStore store)
    {
        var record = await store.GetHistoryAsync(promptId, context.RequestAborted);
        await WriteEntriesAsync(context, record is null ? [] : [record]);
    }

    private static async Task PostAsync(HttpContext context, IPromptStore store)
    {
        var body = await QueueRoutes.ReadObjectAsync(context);
        if (body is null) return;
        if (PromptRoutes.IsTruthy(body["clear"])) await store.ClearHistoryAsync(CancellationToken.None);
        if (body["delete"] is JsonArray delete) await store.DeleteHistoryAsync(QueueRoutes.Strings(delete), CancellationToken.None);
        await JsonResults.Ok(context);
    }

    private static Task WriteEntriesAsync(HttpContext context, IReadOnlyList<HistoryRecord> records)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var record in records)
            {
                writer.WritePropertyName(record.PromptId);
                writer.WriteRawValue(record.Utf8Json, skipInputValidation: true);
            }
            writer.WriteEndObject();
        }
        return JsonResults.WriteBytes(context, buffer.WrittenSpan.ToArray());
    }

    private static bool TryInt(HttpContext context, string name, out int? value)
    {
        value = null;
        var raw = context.Request.Query[name].ToString();
        if (raw.Length == 0) return true;
        if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return false;
        value = v;
        return true;
    }
}
