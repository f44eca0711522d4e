using System.Text.Json.Nodes;

namespace ComfySharp.Server.Tests.Infrastructure;

public static class Events
{
    public static List<string> Types(IEnumerable<JsonObject> events) => events.Select(e => (string)e["type"]!).ToList();

    /// <summary>Nodes that ran (from <c>executing</c>), as ComfyUI's test harness records them.</summary>
    public static HashSet<string> Ran(IEnumerable<JsonObject> events) => events
        .Where(e => (string?)e["type"] == "executing" && e["data"]!["node"] is not null)
        .Select(e => (string)e["data"]!["node"]!).ToHashSet();

    public static HashSet<string> Cached(IEnumerable<JsonObject> events) => events
        .Where(e => (string?)e["type"] == "execution_cached")
        .SelectMany(e => e["data"]!["nodes"]!.AsArray().Select(n => (string)n!)).ToHashSet();

    public static JsonObject? First(IEnumerable<JsonObject> events, string type) => events.FirstOrDefault(e => (string?)e["type"] == type);
}
