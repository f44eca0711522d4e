using System.Text.Json.Nodes;
using ComfySharp.Client.Events;

namespace ComfySharp.Client;

/// <summary>One device of <c>/system_stats</c>.</summary>
/// <param name="Name">Device name.</param>
/// <param name="Type"><c>cuda</c>, <c>cpu</c>, …</param>
/// <param name="VramTotal">Bytes.</param>
/// <param name="VramFree">Bytes.</param>
public sealed record DeviceStats(string Name, string Type, long VramTotal, long VramFree);

/// <summary><c>GET /system_stats</c> (protocol.md §2.13).</summary>
/// <param name="Os">Platform name (<c>linux</c>, <c>win32</c>, …).</param>
/// <param name="RamTotal">Bytes.</param>
/// <param name="RamFree">Bytes.</param>
/// <param name="ComfyUIVersion">The ComfyUI version the server reports.</param>
/// <param name="Devices">Devices, primary first.</param>
/// <param name="Raw">The raw answer.</param>
public sealed record SystemStats(string? Os, long RamTotal, long RamFree, string? ComfyUIVersion, IReadOnlyList<DeviceStats> Devices, JsonObject Raw)
{
    internal static SystemStats FromJson(JsonObject o)
    {
        var system = o["system"] as JsonObject ?? [];
        var devices = new List<DeviceStats>();
        if (o["devices"] is JsonArray list)
        {
            foreach (var d in list)
            {
                devices.Add(new DeviceStats(EventParser.Str(d?["name"]) ?? "", EventParser.Str(d?["type"]) ?? "", EventParser.Long(d?["vram_total"]) ?? 0,
                    EventParser.Long(d?["vram_free"]) ?? 0));
            }
        }
        return new SystemStats(EventParser.Str(system["os"]), EventParser.Long(system["ram_total"]) ?? 0, EventParser.Long(system["ram_free"]) ?? 0,
            EventParser.Str(system["comfyui_version"]), devices, o);
    }
}
