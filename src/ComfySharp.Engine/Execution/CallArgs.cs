using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Execution;

/// <summary>The arguments of a node's calls: usually one call, held without an array.</summary>
internal readonly struct CallArgs
{
    private readonly NodeArgs? _one;
    private readonly NodeArgs[]? _many;

    public CallArgs(NodeArgs one) => _one = one;

    public CallArgs(NodeArgs[] many) => _many = many;

    public int Count => _many?.Length ?? 1;

    public NodeArgs this[int index] => _many is { } many ? many[index] : index == 0 ? _one! : throw new ArgumentOutOfRangeException(nameof(index));
}
