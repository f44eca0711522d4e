using System.Collections.Concurrent;
using ComfySharp.Engine.Queue;

namespace ComfySharp.Storage.Sqlite;

/// <summary>
/// The history rows the table holds (prompt id → row, and the rows in order) and which of them reads may see. ComfyUI keeps
/// the newest <see cref="Cap"/> entries. Deleting the oldest row at every completion rewrote the oldest leaf page (read back
/// from disk first) and the free-list pages in every commit, 40% of a prompt's store cost; instead, rows past the cap stay
/// hidden from every read and are deleted together once <see cref="Slack"/> of them have gathered, when their emptied pages
/// go to the free list without being written.
/// </summary>
/// <remarks>
/// Changed only by whoever runs the store's current batch. <see cref="TryGetRow"/> and <see cref="VisibleCount"/> may be read
/// from any thread (a lookup of an unknown id needs no turn).
/// </remarks>
internal sealed class HistoryIndex
{
    /// <summary>How many hidden rows may gather before they are deleted.</summary>
    public const int Slack = 256;

    private readonly ConcurrentDictionary<string, long> _rows = new(StringComparer.Ordinal);
    private readonly List<long> _order = []; // every row's seq, ascending (a new row's seq is above every other: SQLite's rowid)
    private int _count; // rows in the table, hidden ones included
    private int _cap = PromptQueue.HistoryCap;

    /// <summary>How many entries reads may see: the newest ones. The store takes it from the writes it is given.</summary>
    public int Cap
    {
        get => _cap;
        set => Volatile.Write(ref _cap, Math.Max(0, value));
    }

    public int VisibleCount => Math.Min(Volatile.Read(ref _count), Volatile.Read(ref _cap));

    /// <summary>The oldest rows, which reads skip.</summary>
    public int Hidden => Math.Max(0, _order.Count - _cap);

    /// <summary>Whether enough hidden rows have gathered to delete them (<see cref="FirstVisible"/> is where to stop).</summary>
    public bool NeedsTrim => Hidden > Slack;

    /// <summary>The seq of the oldest visible row; every row below it is hidden. <see cref="long.MaxValue"/> when none is visible.</summary>
    public long FirstVisible => Hidden < _order.Count ? _order[Hidden] : long.MaxValue;

    public bool TryGetRow(string promptId, out long seq) => _rows.TryGetValue(promptId, out seq);

    /// <summary>The row of a visible entry; false for unknown and hidden ids.</summary>
    public bool TryGetVisible(string promptId, out long seq) => _rows.TryGetValue(promptId, out seq) && seq >= FirstVisible;

    public void Add(string promptId, long seq)
    {
        _rows[promptId] = seq;
        if (_order.Count == 0 || seq > _order[^1]) _order.Add(seq);
        else _order.Insert(~_order.BinarySearch(seq), seq);
        Volatile.Write(ref _count, _order.Count);
    }

    public bool Remove(string promptId, out long seq)
    {
        if (!_rows.TryRemove(promptId, out seq)) return false;
        var at = _order.BinarySearch(seq);
        if (at >= 0) _order.RemoveAt(at);
        Volatile.Write(ref _count, _order.Count);
        return true;
    }

    /// <summary>After the hidden rows were deleted: forgets their ids (<paramref name="trimmed"/>) and rows.</summary>
    public void Trimmed(List<string> trimmed)
    {
        var first = FirstVisible;
        foreach (var id in trimmed) _rows.TryRemove(id, out _);
        var below = _order.BinarySearch(first);
        _order.RemoveRange(0, below >= 0 ? below : ~below);
        Volatile.Write(ref _count, _order.Count);
    }

    public void Clear()
    {
        _rows.Clear();
        _order.Clear();
        Volatile.Write(ref _count, 0);
    }

    /// <summary>Replaces everything with what the table holds.</summary>
    public void Load(Dictionary<string, long> rows)
    {
        Clear();
        foreach (var (id, seq) in rows)
        {
            _rows[id] = seq;
            _order.Add(seq);
        }
        _order.Sort();
        Volatile.Write(ref _count, _order.Count);
    }
}
