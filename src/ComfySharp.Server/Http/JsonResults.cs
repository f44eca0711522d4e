using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Validation;

namespace ComfySharp.Server.Http;

/// <summary>Writes JSON bodies the way ComfyUI answers (<c>application/json; charset=utf-8</c>).</summary>
internal static class JsonResults
{
    public const string ContentType = "application/json; charset=utf-8";

    // Bodies go out with a Content-Length (one write, no chunked framing for the client to undo).
    public static Task Write(HttpContext context, JsonNode? body, int status = StatusCodes.Status200OK) =>
        body is null ? WriteRaw(context, "null", status) : WriteBytes(context, JsonSerializer.SerializeToUtf8Bytes(body), status);

    public static Task WriteRaw(HttpContext context, string json, int status = StatusCodes.Status200OK) =>
        WriteBytes(context, Encoding.UTF8.GetBytes(json), status);

    public static Task WriteBytes(HttpContext context, byte[] json, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        context.Response.ContentLength = json.Length;
        return context.Response.Body.WriteAsync(json, context.RequestAborted).AsTask();
    }

    /// <summary>200 with an empty body, as ComfyUI's <c>web.Response(status=200)</c>.</summary>
    public static Task Ok(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        return Task.CompletedTask;
    }

    /// <summary>A 400 in the prompt error shape: <c>{"error": {type, message, details, extra_info}, "node_errors": {}}</c>.</summary>
    public static Task PromptError(HttpContext context, JsonObject error, JsonObject? nodeErrors = null) =>
        Write(context, new JsonObject { ["error"] = error, ["node_errors"] = nodeErrors ?? [] }, StatusCodes.Status400BadRequest);

    public static Task BadJson(HttpContext context, string details) =>
        PromptError(context, ValidationErrors.Error("invalid_json", "Request body is not valid JSON", details));

    /// <summary>A 400 for the simple <c>{"error": "..."}</c> shape of the jobs and history routes.</summary>
    public static Task SimpleError(HttpContext context, string message, int status = StatusCodes.Status400BadRequest) =>
        Write(context, new JsonObject { ["error"] = message }, status);
}
