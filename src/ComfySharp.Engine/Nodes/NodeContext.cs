using System.Text.Json.Nodes;
using ComfySharp.Engine.Graph;

namespace ComfySharp.Engine.Nodes;

/// <summary>What a running node can see and do besides its inputs: ids, the prompt, folders, progress and previews.</summary>
public sealed class NodeContext
{
    private readonly INodeReporter _reporter;
    private int _graphIndex;

    internal NodeContext(string nodeId, string displayNodeId, string realNodeId, string? parentNodeId, string classType,
        PromptRun run, INodeReporter reporter, int callIndex)
    {
        NodeId = nodeId;
        DisplayNodeId = displayNodeId;
        RealNodeId = realNodeId;
        ParentNodeId = parentNodeId;
        ClassType = classType;
        Run = run;
        _reporter = reporter;
        CallIndex = callIndex;
    }

    /// <summary>The unique id of the node (for nodes of an expansion, the expanded id).</summary>
    public string NodeId { get; }
    public string DisplayNodeId { get; }
    public string RealNodeId { get; }
    public string? ParentNodeId { get; }
    public string ClassType { get; }
    /// <summary>Index of this call when the node is mapped over list inputs.</summary>
    public int CallIndex { get; }
    internal PromptRun Run { get; }

    public string PromptId => Run.PromptId;
    public JsonObject Prompt => Run.PromptJson;
    public JsonObject ExtraData => Run.ExtraData;
    public DynamicPrompt DynPrompt => Run.Graph;
    public EngineFolders Folders => Run.Folders;

    /// <summary>A builder for an expansion whose ids start with <c>"&lt;node&gt;.&lt;call&gt;.&lt;graph&gt;."</c>.</summary>
    public GraphBuilder CreateGraphBuilder() =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{NodeId}.{CallIndex}.{_graphIndex++}."));

    /// <summary>ComfyUI's ProgressBar update (<c>progress</c> + <c>progress_state</c>, throttled like ComfyUI).</summary>
    public void ReportProgress(double value, double max, PreviewImage? preview = null) => _reporter.Progress(this, value, max, preview);

    /// <summary>ComfyUI's public-API <c>set_progress</c>: updates <c>progress_state</c> only (no <c>progress</c> event).</summary>
    public void SetProgress(double value, double max) => _reporter.SetProgress(this, value, max);

    /// <summary>A type-3 progress text frame for this node.</summary>
    public void SendProgressText(string text) => _reporter.ProgressText(this, text);
}

/// <summary>An encoded preview image (JPEG or PNG bytes) sent as a binary frame.</summary>
public sealed record PreviewImage(PreviewFormat Format, ReadOnlyMemory<byte> Bytes);

public enum PreviewFormat
{
    Jpeg = 1,
    Png = 2,
}

/// <summary>Receives what nodes report while running; the executor turns it into events.</summary>
internal interface INodeReporter
{
    void Progress(NodeContext node, double value, double max, PreviewImage? preview);

    void ProgressText(NodeContext node, string text);

    void SetProgress(NodeContext node, double value, double max);
}
