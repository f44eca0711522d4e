namespace ComfySharp.Protocol.Frames;

/// <summary>The JSON metadata of a type-4 preview frame, in ComfyUI's key order.</summary>
/// <param name="NodeId">The node that produced the preview.</param>
/// <param name="PromptId">The prompt being executed.</param>
/// <param name="DisplayNodeId">The node id a user interface shows.</param>
/// <param name="ParentNodeId">The expanding node for nodes of an expansion, else null.</param>
/// <param name="RealNodeId">The top-level node of the prompt.</param>
/// <param name="ImageType"><c>image/jpeg</c> or <c>image/png</c>.</param>
public sealed record PreviewMetadata(string NodeId, string PromptId, string DisplayNodeId, string? ParentNodeId, string RealNodeId, string ImageType);
