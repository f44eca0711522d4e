namespace ComfySharp.LoadGen;

/// <summary>The last lines a child process wrote to stdout and stderr, kept to explain an early exit.</summary>
internal sealed class OutputTail(int lines)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();

    public void Add(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            if (_lines.Count == lines) _lines.Dequeue();
            _lines.Enqueue(line);
        }
    }

    public override string ToString()
    {
        lock (_gate) return string.Join('\n', _lines);
    }
}
