using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ComfySharp.Storage.Sqlite;

/// <summary>
/// A small file naming the prompt that is running: a 4-byte length and the UTF-8 id, rewritten in place with one
/// write before each prompt starts. Like a WAL commit under <c>synchronous=NORMAL</c> it survives the process being
/// killed (the OS holds the page), and it costs one system call instead of a commit.
/// </summary>
internal sealed class RunningMarker : IDisposable
{
    private const int MaxIdBytes = 1024;

    private readonly SafeFileHandle _file;
    private readonly byte[] _buffer = new byte[4 + MaxIdBytes];
    private readonly Lock _lock = new();
    private long _writes;

    private RunningMarker(SafeFileHandle file) => _file = file;

    public static RunningMarker Open(string path) =>
        new(File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read));

    /// <summary>The id last written, or null when the file is empty, cleared or unreadable.</summary>
    public string? Read()
    {
        var header = new byte[4];
        if (RandomAccess.Read(_file, header, 0) < 4) return null;
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length <= 0 || length > MaxIdBytes) return null;
        var id = new byte[length];
        if (RandomAccess.Read(_file, id, 4) < length) return null;
        try
        {
            return new UTF8Encoding(false, true).GetString(id);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Writes the id; false when it is too long for the marker (the caller then waits for a commit instead).</summary>
    public bool TryWrite(string promptId)
    {
        lock (_lock)
        {
            if (Encoding.UTF8.GetMaxByteCount(promptId.Length) > MaxIdBytes && Encoding.UTF8.GetByteCount(promptId) > MaxIdBytes) return false;
            var length = Encoding.UTF8.GetBytes(promptId, _buffer.AsSpan(4));
            BinaryPrimitives.WriteInt32LittleEndian(_buffer, length);
            RandomAccess.Write(_file, _buffer.AsSpan(0, 4 + length), 0);
            _writes++;
            return true;
        }
    }

    /// <summary>How many ids were written so far (for <see cref="ClearUnlessWritten"/>).</summary>
    public long Writes
    {
        get
        {
            lock (_lock) return _writes;
        }
    }

    public void Clear()
    {
        lock (_lock) RandomAccess.Write(_file, new byte[4], 0);
    }

    /// <summary>Clears the marker unless an id was written since <see cref="Writes"/> read <paramref name="writes"/>.</summary>
    public void ClearUnlessWritten(long writes)
    {
        lock (_lock)
        {
            if (_writes == writes) RandomAccess.Write(_file, new byte[4], 0);
        }
    }

    public void Dispose() => _file.Dispose();
}
