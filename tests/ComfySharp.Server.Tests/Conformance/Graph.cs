using System.Text.Json.Nodes;

namespace ComfySharp.Server.Tests.Conformance;

/// <summary>Builds API-format prompts like ComfyUI's GraphBuilder: ids are a prefix plus a counter.</summary>
public sealed class Graph(string prefix)
{
    private int _next;

    public JsonObject Prompt { get; } = [];

    public Node Add(string classType, object? inputs = null, string? id = null)
    {
        id ??= prefix + (_next++);
        var node = new Node(id, new JsonObject { ["class_type"] = classType, ["inputs"] = new JsonObject() });
        Prompt[id] = node.Json;
        if (inputs is not null)
        {
            foreach (var property in inputs.GetType().GetProperties()) node.Set(property.Name, property.GetValue(inputs));
        }
        return node;
    }

    public void Remove(string id) => Prompt.Remove(id);

    public sealed class Node(string id, JsonObject json)
    {
        public string Id { get; } = id;
        public JsonObject Json { get; } = json;

        public JsonArray Out(int index) => new(Id, index);

        public Node Set(string input, object? value)
        {
            Json["inputs"]![input] = value switch
            {
                null => null,
                JsonNode node => node.DeepClone(),
                string s => s,
                bool b => b,
                int i => i,
                long l => l,
                double d => ComfySharp.Engine.Validation.JsonInputs.FloatJson(d),
                _ => throw new ArgumentException($"Unsupported input value {value}"),
            };
            return this;
        }
    }
}
