namespace ComfySharp.Engine.Nodes;

/// <summary>Where an input sits in ComfyUI's <c>INPUT_TYPES</c>: required, optional or hidden.</summary>
public enum InputSection
{
    Required,
    Optional,
    Hidden,
}
