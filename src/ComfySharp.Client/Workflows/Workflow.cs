using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Client.Events;

namespace ComfySharp.Client.Workflows;

/// <summary>
/// A ComfyUI API-format workflow (<c>{"3": {"class_type": "KSampler", "inputs": {…}, "_meta": {"title": …}}, …}</c>): loaded
/// from and saved to JSON, inputs set by path (<c>"3.inputs.seed"</c>, <c>"3.seed"</c>, <c>"My Sampler.seed"</c>), or built in
/// code with <see cref="AddNode(NodeInfo, string?, string?)"/> and typed links. Not thread-safe.
/// </summary>
public sealed class Workflow
{
    private readonly JsonObject _nodes;
    private int _nextId;

    /// <summary>An empty workflow.</summary>
    public Workflow() : this([])
    {
    }

    private Workflow(JsonObject nodes)
    {
        _nodes = nodes;
        foreach (var (id, _) in nodes)
        {
            if (int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > _nextId) _nextId = n;
        }
    }

    /// <summary>Reads API-format JSON. Throws <see cref="FormatException"/> for anything else (including the UI format).</summary>
    public static Workflow Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? node;
        try
        {
            node = TolerantJson.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The workflow is not valid JSON: {ex.Message}", ex);
        }
        return FromJson(node);
    }

    /// <summary>Reads an API-format workflow from a file.</summary>
    public static async Task<Workflow> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            return Parse(text);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Wraps a copy of an API-format JSON object.</summary>
    public static Workflow FromJson(JsonNode? json)
    {
        if (json is not JsonObject root) throw new FormatException("An API-format workflow is a JSON object of nodes keyed by id.");
        if (root["nodes"] is JsonArray && root.ContainsKey("links"))
        {
            throw new FormatException("This is a UI-format workflow (nodes and links); export it in API format (Save (API)) instead.");
        }
        // Some tools wrap it as a /prompt request body.
        if (root["prompt"] is JsonObject inner && !root.ContainsKey("class_type")) root = inner;
        foreach (var (id, value) in root)
        {
            if (value is not JsonObject node || EventParser.Str(node["class_type"]) is null)
            {
                throw new FormatException($"Node '{id}' has no class_type: an API-format workflow maps ids to {{\"class_type\", \"inputs\"}}.");
            }
            if (node["inputs"] is not (null or JsonObject)) throw new FormatException($"Node '{id}': inputs must be an object.");
        }
        return new Workflow((JsonObject)root.DeepClone());
    }

    /// <summary>The node ids in order.</summary>
    public IEnumerable<string> NodeIds => _nodes.Select(p => p.Key);

    /// <summary>The number of nodes.</summary>
    public int Count => _nodes.Count;

    /// <summary>The node with id <paramref name="id"/>, or null.</summary>
    public WorkflowNode? this[string id] => _nodes[id] is JsonObject node ? new WorkflowNode(id, node, null) : null;

    /// <summary>A copy of the API-format JSON.</summary>
    public JsonObject ToJsonObject() => (JsonObject)_nodes.DeepClone();

    /// <summary>The API-format JSON text.</summary>
    public string ToJson(bool indented = true) => _nodes.ToJsonString(new JsonSerializerOptions { WriteIndented = indented });

    /// <summary>Writes the API-format JSON to <paramref name="path"/>.</summary>
    public Task SaveAsync(string path, CancellationToken cancellationToken = default) =>
        File.WriteAllTextAsync(path, ToJson() + "\n", cancellationToken);

    /// <summary>Adds a node of <paramref name="classType"/> (untyped: links are not checked). Ids default to the next free number.</summary>
    public WorkflowNode AddNode(string classType, string? title = null, string? id = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(classType);
        return Add(classType, title, id, null);
    }

    /// <summary>Adds a node from its definition: literal inputs get their defaults, links and values are checked against it.</summary>
    public WorkflowNode AddNode(NodeInfo schema, string? title = null, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var node = Add(schema.Name, title, id, schema);
        foreach (var input in schema.Inputs)
        {
            if (input.Section == InputSection.Required && !input.IsLinkType && input.Default is { } value) node.Inputs[input.Name] = value.DeepClone();
            else if (input.Section == InputSection.Required && input.Choices is { Count: > 0 } choices) node.Inputs[input.Name] = choices[0];
        }
        return node;
    }

    /// <summary>Removes a node; returns whether it existed. Links to it are left for the server to report.</summary>
    public bool RemoveNode(string id) => _nodes.Remove(id);

    /// <summary>
    /// Finds a node by id, else by title (<c>_meta.title</c>), else by class_type; a title or class_type must be unique.
    /// </summary>
    public WorkflowNode FindNode(string selector)
    {
        ArgumentException.ThrowIfNullOrEmpty(selector);
        if (_nodes[selector] is JsonObject byId) return new WorkflowNode(selector, byId, null);
        return Unique(selector, n => EventParser.Str(n["_meta"]?["title"]) == selector, "title")
            ?? Unique(selector, n => EventParser.Str(n["class_type"]) == selector, "class_type")
            ?? throw new KeyNotFoundException($"No node has id, title or class_type '{selector}'.");
    }

    /// <summary>
    /// Sets an input by path: <c>NODE.inputs.INPUT</c> or <c>NODE.INPUT</c>, NODE being an id, a title or a class_type
    /// (see <see cref="FindNode"/>). Titles may contain dots: the input is the last segment.
    /// </summary>
    public Workflow Set(string path, JsonNode? value)
    {
        var (node, input) = Resolve(path);
        node.Inputs[input] = value?.DeepClone();
        return this;
    }

    /// <summary>The value at <paramref name="path"/> (see <see cref="Set"/>), or null when the input is not set.</summary>
    public JsonNode? Get(string path)
    {
        var (node, input) = Resolve(path);
        return node.Inputs[input];
    }

    private (WorkflowNode Node, string Input) Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var dot = path.LastIndexOf('.');
        if (dot <= 0 || dot == path.Length - 1) throw new ArgumentException($"'{path}' is not NODE.INPUT or NODE.inputs.INPUT.", nameof(path));
        var input = path[(dot + 1)..];
        var selector = path[..dot];
        if (selector.EndsWith(".inputs", StringComparison.Ordinal) && !HasSelector(selector)) selector = selector[..^".inputs".Length];
        return (FindNode(selector), input);
    }

    private bool HasSelector(string selector)
    {
        try
        {
            FindNode(selector);
            return true;
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }

    private WorkflowNode? Unique(string selector, Func<JsonObject, bool> match, string what)
    {
        WorkflowNode? found = null;
        foreach (var (id, value) in _nodes)
        {
            if (value is not JsonObject node || !match(node)) continue;
            if (found is not null) throw new ArgumentException($"Several nodes have {what} '{selector}' (e.g. {found.Id} and {id}); use an id.", nameof(selector));
            found = new WorkflowNode(id, node, null);
        }
        return found;
    }

    private WorkflowNode Add(string classType, string? title, string? id, NodeInfo? schema)
    {
        if (id is null)
        {
            do
            {
                id = (++_nextId).ToString(CultureInfo.InvariantCulture);
            }
            while (_nodes.ContainsKey(id));
        }
        else if (_nodes.ContainsKey(id))
        {
            throw new ArgumentException($"Node id '{id}' is already used.", nameof(id));
        }
        var json = new JsonObject { ["class_type"] = classType, ["inputs"] = new JsonObject() };
        _nodes[id] = json;
        var node = new WorkflowNode(id, json, schema);
        if (title is not null) node.Title = title;
        return node;
    }
}
