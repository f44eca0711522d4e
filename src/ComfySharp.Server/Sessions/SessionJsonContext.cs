using System.Text.Json.Serialization;

namespace ComfySharp.Server.Sessions;

[JsonSerializable(typeof(Dictionary<string, string?>))]
internal sealed partial class SessionJsonContext : JsonSerializerContext;
