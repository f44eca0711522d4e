using System.Text.Json.Nodes;
using ComfySharp.Client.Events;

namespace ComfySharp.Client;

/// <summary>A file on the server as ComfyUI names it: <c>{filename, subfolder, type}</c>; what <c>/view</c> takes.</summary>
/// <param name="Filename">The file name.</param>
/// <param name="Subfolder">The subfolder ("" for none).</param>
/// <param name="Type"><c>output</c>, <c>input</c> or <c>temp</c>.</param>
public sealed record OutputFile(string Filename, string Subfolder = "", string Type = "output")
{
    internal static OutputFile? FromJson(JsonNode? node) =>
        node is JsonObject o && EventParser.Str(o["filename"]) is { } name
            ? new OutputFile(name, EventParser.Str(o["subfolder"]) ?? "", EventParser.Str(o["type"]) ?? "output")
            : null;

    internal JsonObject ToJson() => new() { ["filename"] = Filename, ["subfolder"] = Subfolder, ["type"] = Type };
}
