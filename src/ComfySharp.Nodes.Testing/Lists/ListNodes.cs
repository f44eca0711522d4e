namespace ComfySharp.Nodes.Testing.Lists;

/// <summary>What util.py's list and accumulation nodes share.</summary>
internal static class ListNodes
{
    public const string Category = "Testing/Lists";
    /// <summary>util.py's NUM_LIST_SOCKETS.</summary>
    public const int Sockets = 10;

    /// <summary>Python's <c>list[index]</c>: negative indices count from the end; out of range is an IndexError.</summary>
    public static int Index(long index, int count)
    {
        var i = index < 0 ? index + count : index;
        if (i < 0 || i >= count) throw new ArgumentOutOfRangeException(nameof(index), index, "list index out of range");
        return (int)i;
    }
}
