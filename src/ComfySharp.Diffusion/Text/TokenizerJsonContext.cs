using System.Text.Json.Serialization;

namespace ComfySharp.Diffusion.Text;

[JsonSerializable(typeof(Dictionary<string, int>))]
internal sealed partial class TokenizerJsonContext : JsonSerializerContext;
