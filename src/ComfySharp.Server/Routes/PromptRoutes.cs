using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Queue;
using ComfySharp.Engine.Validation;
using ComfySharp.Server.Http;

namespace ComfySharp.Server.Routes;

/// <summary><c>GET/POST /prompt</c> (protocol.md §2.2, §2.3).</summary>
internal static class PromptRoutes
{
    private static readonly string[] SensitiveKeys = ["auth_token_comfy_org", "api_key_comfy_org"];

    public static void Map(WebApplication app)
    {
        app.MapGet("/prompt", (HttpContext context, PromptQueue queue) =>
            JsonResults.WriteRaw(context, $$$"""{"exec_info": {"queue_remaining": {{{queue.Remaining}}}}}"""));
        app.MapPost("/prompt", PostAsync);
    }

    private static async Task PostAsync(HttpContext context, PromptQueue queue, PromptValidator validator, TimeProvider time)
    {
        var ct = context.RequestAborted;
        JsonObject request;
        RawPrompt? raw = null;
        JsonObject? prompt = null;
        using (var bodyBytes = await RequestBodies.ReadBytesAsync(context.Request, ct))
        {
            // The usual body is read without a JSON tree for the prompt; any other goes the tree's way, which reports it.
            if (!RequestBodies.TryReadPrompt(bodyBytes.Span, out request, out raw))
            {
                JsonNode? body;
                try
                {
                    body = RequestBodies.Parse(bodyBytes.Span);
                }
                catch (JsonException ex)
                {
                    // ComfyUI answers 500 here; a client error deserves a 400 that says what is wrong.
                    await JsonResults.BadJson(context, ex.Message);
                    return;
                }
                if (body is not JsonObject parsed)
                {
                    await JsonResults.PromptError(context, ValidationErrors.InvalidPrompt("The request body must be a JSON object",
                        $"Received {(body is null ? "an empty body" : body.GetValueKind().ToString().ToLowerInvariant())}"));
                    return;
                }
                request = parsed;
            }
        }

        // The counter advances even when the prompt is then rejected, as in ComfyUI.
        double number;
        if (request["number"] is { } explicitNumber)
        {
            if (!TryNumber(explicitNumber, out number))
            {
                await JsonResults.PromptError(context, ValidationErrors.InvalidPrompt("number must be a finite number", explicitNumber.ToJsonString()));
                return;
            }
        }
        else
        {
            number = queue.NextNumber(IsTruthy(request["front"]));
        }

        if (raw is null)
        {
            if (!request.TryGetPropertyValue("prompt", out var promptNode) || promptNode is null)
            {
                await JsonResults.PromptError(context, ValidationErrors.NoPrompt());
                return;
            }
            if (promptNode is not JsonObject promptObject)
            {
                await JsonResults.PromptError(context, ValidationErrors.InvalidPrompt("prompt must be a JSON object of nodes keyed by node id",
                    $"Received {promptNode.GetValueKind().ToString().ToLowerInvariant()}"));
                return;
            }
            prompt = promptObject;
        }

        string promptId;
        var idNode = request["prompt_id"];
        if (idNode is null)
        {
            promptId = RandomIds.NewGuid().ToString();
        }
        else if (idNode is JsonValue idValue && idValue.TryGetValue<string>(out var given) && IsCanonicalUuid(given))
        {
            promptId = given;
        }
        else
        {
            await JsonResults.PromptError(context, ValidationErrors.InvalidPromptId(
                $"prompt_id {idNode.ToJsonString()} is not a UUID in canonical lowercase form, e.g. {Guid.NewGuid()}"));
            return;
        }

        List<string>? targets = null;
        if (request.TryGetPropertyValue("partial_execution_targets", out var targetsNode) && targetsNode is not null)
        {
            if (!TryStringList(targetsNode, out targets))
            {
                await JsonResults.PromptError(context,
                    ValidationErrors.InvalidPrompt("partial_execution_targets must be a list of node ids", targetsNode.ToJsonString()));
                return;
            }
        }

        request.Remove("prompt");
        var validated = raw is null ? null : validator.TryValidate(raw, targets);
        if (validated is null)
        {
            prompt ??= raw!.ToJson();
            validated = await validator.ValidateAsync(prompt, targets, ct);
        }
        if (!validated.IsValid)
        {
            await JsonResults.PromptError(context, validated.Error!, validated.NodeErrors);
            return;
        }

        var extraData = request["extra_data"] is JsonObject extra ? (JsonObject)extra.DeepClone() : [];
        if (request["client_id"] is { } clientId) extraData["client_id"] = clientId.DeepClone();
        if (!extraData.ContainsKey("comfy_usage_source") && context.Request.Headers["Comfy-Usage-Source"].ToString() is { Length: > 0 } source)
        {
            extraData["comfy_usage_source"] = source;
        }
        JsonObject? sensitive = null;
        foreach (var key in SensitiveKeys)
        {
            if (extraData.Remove(key, out var secret)) (sensitive ??= [])[key] = secret;
        }
        extraData["create_time"] = time.GetUtcNow().ToUnixTimeMilliseconds();

        // Accepted without a tree, the prompt is stored as read; a validated tree may have been rewritten, so it is written anew.
        var item = prompt is null
            ? new QueueItem(number, promptId, raw!.Utf8, extraData, validated.Outputs, sensitive) { Nodes = validated.Nodes }
            : new QueueItem(number, promptId, prompt, extraData, validated.Outputs, sensitive) { Nodes = validated.Nodes };
        await queue.EnqueueAsync(item, CancellationToken.None);
        await JsonResults.Write(context, new JsonObject
        {
            ["prompt_id"] = promptId,
            ["number"] = HistoryEntries.NumberJson(number),
            ["node_errors"] = validated.NodeErrors,
        });
    }

    internal static bool IsCanonicalUuid(string value) =>
        value.Length == 36 && Guid.TryParseExact(value, "D", out var guid) && guid.ToString() == value;

    private static bool TryNumber(JsonNode node, out double number)
    {
        number = 0;
        if (node is not JsonValue v) return false;
        // Finite only: 1e400 reads as infinity, which no JSON answer (nor the queue's own JSON) can hold.
        if (v.TryGetValue(out number)) return double.IsFinite(number);
        return v.TryGetValue<string>(out var s) &&
            double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out number) &&
            double.IsFinite(number);
    }

    private static bool TryStringList(JsonNode node, out List<string> list)
    {
        list = [];
        if (node is not JsonArray array) return false;
        foreach (var item in array)
        {
            if (item is not JsonValue v || !v.TryGetValue<string>(out var s)) return false;
            list.Add(s);
        }
        return true;
    }

    internal static bool IsTruthy(JsonNode? node) => node switch
    {
        null => false,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<double>(out var d) => d != 0,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
        JsonArray a => a.Count > 0,
        JsonObject o => o.Count > 0,
        _ => true,
    };
}
