using System.Text.Json.Nodes;

namespace ComfySharp.Engine.Graph;

/// <summary>One execution of a prompt: ids, the validated prompt JSON, extra data and the growing graph.</summary>
internal sealed class PromptRun(string promptId, Func<JsonObject> promptJson, JsonObject extraData, DynamicPrompt graph, EngineFolders folders)
{
    private JsonObject? _promptJson;

    public string PromptId { get; } = promptId;
    /// <summary>The prompt's JSON, made on first use: only nodes that take the prompt (image savers) read it.</summary>
    public JsonObject PromptJson => _promptJson ??= promptJson();
    public JsonObject ExtraData { get; } = extraData;
    public DynamicPrompt Graph { get; } = graph;
    public EngineFolders Folders { get; } = folders;
    public string? ClientId => ExtraData["client_id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
