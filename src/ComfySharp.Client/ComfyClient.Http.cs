using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ComfySharp.Client.Events;
using ComfySharp.Client.Workflows;

namespace ComfySharp.Client;

public sealed partial class ComfyClient
{
    /// <summary>
    /// <c>POST /prompt</c> with this client's id as <c>client_id</c>. Throws <see cref="ComfyValidationException"/> when the server
    /// rejects the prompt (HTTP 400 with <c>error</c> and <c>node_errors</c>).
    /// </summary>
    public Task<PromptQueued> QueuePromptAsync(Workflow workflow, QueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return QueuePromptAsync(workflow.ToJsonObject(), options, cancellationToken);
    }

    /// <summary><c>POST /prompt</c> for an API-format graph given as JSON.</summary>
    public async Task<PromptQueued> QueuePromptAsync(JsonObject prompt, QueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        options ??= new QueueOptions();
        var body = new JsonObject { ["prompt"] = prompt.DeepClone(), ["client_id"] = ClientId };
        if (options.PromptId is not null) body["prompt_id"] = options.PromptId;
        if (options.Front) body["front"] = true;
        if (options.Number is { } number) body["number"] = number;
        if (options.ExtraData is not null) body["extra_data"] = options.ExtraData.DeepClone();
        if (options.PartialExecutionTargets is not null)
        {
            var targets = new JsonArray();
            foreach (var t in options.PartialExecutionTargets) targets.Add(t);
            body["partial_execution_targets"] = targets;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, Path("prompt")) { Content = Json(body) };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.BadRequest && TryParse(text) is JsonObject rejected && rejected.ContainsKey("error"))
        {
            throw new ComfyValidationException(ComfyError.FromJson(rejected["error"]), NodeError.ListFromJson(rejected["node_errors"] as JsonObject), rejected);
        }
        EnsureSuccess(response, "POST", "/prompt", text);
        var accepted = TryParse(text) as JsonObject ?? throw new ComfyException($"POST /prompt answered something that is not a JSON object: {text}");
        return new PromptQueued(EventParser.Str(accepted["prompt_id"]) ?? options.PromptId ?? "", EventParser.Num(accepted["number"]) ?? 0,
            NodeError.ListFromJson(accepted["node_errors"] as JsonObject));
    }

    /// <summary><c>GET /prompt</c>: pending plus running prompts.</summary>
    public async Task<int> GetQueueRemainingAsync(CancellationToken cancellationToken = default)
    {
        var body = await GetJsonAsync("prompt", cancellationToken).ConfigureAwait(false);
        return (int)(EventParser.Num(body?["exec_info"]?["queue_remaining"]) ?? 0);
    }

    /// <summary><c>POST /interrupt</c>: the running prompt, or only <paramref name="promptId"/> if it is the one running.</summary>
    public Task InterruptAsync(string? promptId = null, CancellationToken cancellationToken = default) =>
        PostAsync("interrupt", promptId is null ? [] : new JsonObject { ["prompt_id"] = promptId }, cancellationToken);

    /// <summary><c>GET /queue</c>, pending items sorted by number then prompt id.</summary>
    public async Task<QueueSnapshot> GetQueueAsync(CancellationToken cancellationToken = default)
    {
        var body = await GetJsonAsync("queue", cancellationToken).ConfigureAwait(false);
        var running = Items(body?["queue_running"]);
        var pending = Items(body?["queue_pending"]);
        // The server sends its heap's array, not sorted (protocol.md §2.4).
        pending.Sort((a, b) => a.Number != b.Number ? a.Number.CompareTo(b.Number) : string.CompareOrdinal(a.PromptId, b.PromptId));
        return new QueueSnapshot(running, pending);

        static List<QueueItem> Items(JsonNode? node)
        {
            var list = new List<QueueItem>();
            if (node is not JsonArray array) return list;
            foreach (var t in array)
            {
                if (QueueItem.FromTuple(t) is { } item) list.Add(item);
            }
            return list;
        }
    }

    /// <summary><c>POST /queue {"delete": […]}</c>: removes pending prompts (the running one is untouched; unknown ids ignored).</summary>
    public Task DeleteFromQueueAsync(IEnumerable<string> promptIds, CancellationToken cancellationToken = default) =>
        PostAsync("queue", new JsonObject { ["delete"] = Array(promptIds) }, cancellationToken);

    /// <summary><c>POST /queue {"clear": true}</c>: removes every pending prompt.</summary>
    public Task ClearQueueAsync(CancellationToken cancellationToken = default) =>
        PostAsync("queue", new JsonObject { ["clear"] = true }, cancellationToken);

    /// <summary><c>GET /history</c>: entries oldest first; <paramref name="maxItems"/> alone gives the last N.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(int? maxItems = null, int? offset = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (maxItems is { } max) query.Add("max_items=" + max.ToString(CultureInfo.InvariantCulture));
        if (offset is { } off) query.Add("offset=" + off.ToString(CultureInfo.InvariantCulture));
        var body = await GetJsonAsync(query.Count == 0 ? "history" : "history?" + string.Join('&', query), cancellationToken).ConfigureAwait(false);
        var entries = new List<HistoryEntry>();
        if (body is JsonObject all)
        {
            foreach (var (id, entry) in all)
            {
                if (entry is JsonObject e) entries.Add(HistoryEntry.FromJson(id, e));
            }
        }
        return entries;
    }

    /// <summary><c>GET /history/{id}</c>: the entry, or null when the prompt has none (not finished, unknown or deleted).</summary>
    public async Task<HistoryEntry?> GetHistoryAsync(string promptId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(promptId);
        var body = await GetJsonAsync("history/" + Uri.EscapeDataString(promptId), cancellationToken).ConfigureAwait(false);
        return body?[promptId] is JsonObject entry ? HistoryEntry.FromJson(promptId, entry) : null;
    }

    /// <summary><c>POST /history {"delete": […]}</c>.</summary>
    public Task DeleteHistoryAsync(IEnumerable<string> promptIds, CancellationToken cancellationToken = default) =>
        PostAsync("history", new JsonObject { ["delete"] = Array(promptIds) }, cancellationToken);

    /// <summary><c>POST /history {"clear": true}</c>.</summary>
    public Task ClearHistoryAsync(CancellationToken cancellationToken = default) =>
        PostAsync("history", new JsonObject { ["clear"] = true }, cancellationToken);

    /// <summary><c>GET /object_info</c>: every node definition, by class_type.</summary>
    public async Task<IReadOnlyDictionary<string, NodeInfo>> GetObjectInfoAsync(CancellationToken cancellationToken = default)
    {
        var body = await GetJsonAsync("object_info", cancellationToken).ConfigureAwait(false);
        var nodes = new Dictionary<string, NodeInfo>(StringComparer.Ordinal);
        if (body is JsonObject all)
        {
            foreach (var (name, info) in all)
            {
                if (info is JsonObject o) nodes[name] = NodeInfo.FromJson(name, o);
            }
        }
        return nodes;
    }

    /// <summary><c>GET /object_info/{class}</c>: one node definition, or null when the server does not know it.</summary>
    public async Task<NodeInfo?> GetObjectInfoAsync(string classType, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(classType);
        var body = await GetJsonAsync("object_info/" + Uri.EscapeDataString(classType), cancellationToken).ConfigureAwait(false);
        return body?[classType] is JsonObject o ? NodeInfo.FromJson(classType, o) : null;
    }

    /// <summary><c>GET /system_stats</c>.</summary>
    public async Task<SystemStats> GetSystemStatsAsync(CancellationToken cancellationToken = default) =>
        SystemStats.FromJson(await GetJsonAsync("system_stats", cancellationToken).ConfigureAwait(false) as JsonObject ?? []);

    /// <summary><c>GET /features</c>: the server's feature flags.</summary>
    public async Task<JsonObject> GetFeaturesAsync(CancellationToken cancellationToken = default) =>
        await GetJsonAsync("features", cancellationToken).ConfigureAwait(false) as JsonObject ?? [];

    /// <summary><c>POST /free</c>: unload models and/or free memory (caches) between prompts.</summary>
    public Task FreeMemoryAsync(bool unloadModels = true, bool freeMemory = true, CancellationToken cancellationToken = default) =>
        PostAsync("free", new JsonObject { ["unload_models"] = unloadModels, ["free_memory"] = freeMemory }, cancellationToken);

    /// <summary><c>POST /upload/image</c> (multipart): stores an image in the input (or temp/output) folder.</summary>
    public Task<UploadedFile> UploadImageAsync(Stream content, string fileName, UploadOptions? options = null, CancellationToken cancellationToken = default) =>
        UploadAsync("upload/image", content, fileName, options, null, cancellationToken);

    /// <summary>
    /// <c>POST /upload/mask</c>: the server stores <paramref name="original"/> with its alpha replaced by the uploaded image's alpha.
    /// </summary>
    public Task<UploadedFile> UploadMaskAsync(Stream content, string fileName, OutputFile original, UploadOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(original);
        return UploadAsync("upload/mask", content, fileName, options, original, cancellationToken);
    }

    /// <summary><c>GET /view</c>: the bytes of a file on the server. Throws <see cref="ComfyHttpException"/> (404) when it does not exist.</summary>
    public async Task<byte[]> ViewAsync(OutputFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var path = "view?filename=" + Uri.EscapeDataString(file.Filename) + "&subfolder=" + Uri.EscapeDataString(file.Subfolder)
            + "&type=" + Uri.EscapeDataString(file.Type);
        using var request = new HttpRequestMessage(HttpMethod.Get, Path(path));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            EnsureSuccess(response, "GET", "/" + path, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        }
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<UploadedFile> UploadAsync(string route, Stream content, string fileName, UploadOptions? options, OutputFile? original,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        options ??= new UploadOptions();
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(MediaTypeOf(fileName));
        form.Add(file, "image", fileName);
        form.Add(new StringContent(options.Overwrite ? "true" : "false"), "overwrite");
        form.Add(new StringContent(options.Type), "type");
        form.Add(new StringContent(options.Subfolder), "subfolder");
        if (original is not null) form.Add(new StringContent(original.ToJson().ToJsonString()), "original_ref");
        using var request = new HttpRequestMessage(HttpMethod.Post, Path(route)) { Content = form };
        using var response = await SendAsync(request, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        EnsureSuccess(response, "POST", "/" + route, text);
        if (TryParse(text) is not JsonObject o || EventParser.Str(o["name"]) is not { } name)
        {
            throw new ComfyException($"POST /{route} answered something that is not an upload result: {text}");
        }
        return new UploadedFile(name, EventParser.Str(o["subfolder"]) ?? "", EventParser.Str(o["type"]) ?? options.Type);
    }

    private static string MediaTypeOf(string fileName) => System.IO.Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        ".gif" => "image/gif",
        _ => "application/octet-stream",
    };

    private async Task<JsonNode?> GetJsonAsync(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path(path));
        using var response = await SendAsync(request, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        EnsureSuccess(response, "GET", "/" + path, text);
        return text.Length == 0 ? null : TryParse(text) ?? throw new ComfyException($"GET /{path} answered something that is not JSON: {Shorten(text)}");
    }

    private async Task PostAsync(string path, JsonObject body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path(path)) { Content = Json(body) };
        using var response = await SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            EnsureSuccess(response, "POST", "/" + path, await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new ComfyConnectionException($"Cannot reach {_base}: {ex.Message}", ex);
        }
    }

    private Uri Path(string relative) => new(_base, relative);

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static JsonArray Array(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var array = new JsonArray();
        foreach (var id in ids) array.Add(id);
        return array;
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return TolerantJson.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static void EnsureSuccess(HttpResponseMessage response, string method, string path, string body)
    {
        if (!response.IsSuccessStatusCode) throw new ComfyHttpException(response.StatusCode, method, path, body);
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
