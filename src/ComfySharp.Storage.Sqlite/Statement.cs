using System.Buffers;
using System.Text;
using SQLitePCL;

namespace ComfySharp.Storage.Sqlite;

/// <summary>
/// One statement prepared once on the store's connection and run again and again through SQLite's own API: values are bound
/// from numbers and UTF-8 spans and columns read as spans. A run through ADO.NET made a data reader, a record, a binder per
/// parameter and a UTF-8 copy of every string (the JSON rows included); on a prompt's two commits that cost more than SQLite.
/// </summary>
/// <remarks>Not thread-safe: only whoever holds the store's turn (<see cref="WriteQueue"/>) touches the connection.</remarks>
internal sealed class Statement : IDisposable
{
    private const int StackLimit = 256; // UTF-8 bytes of a string bound from the stack; longer ones rent a buffer

    private readonly Database _db;
    private readonly sqlite3_stmt _stmt;

    public Statement(Database db, string sql)
    {
        _db = db;
        Check(raw.sqlite3_prepare_v3(db.Handle, sql, raw.SQLITE_PREPARE_PERSISTENT, out _stmt));
    }

    public Statement Bind(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_stmt, index, value));
        return this;
    }

    public Statement Bind(int index, double value)
    {
        Check(raw.sqlite3_bind_double(_stmt, index, value));
        return this;
    }

    /// <summary>UTF-8 text; a null array binds SQL NULL.</summary>
    public Statement BindUtf8(int index, byte[]? utf8)
    {
        Check(utf8 is null ? raw.sqlite3_bind_null(_stmt, index) : raw.sqlite3_bind_text(_stmt, index, utf8.AsSpan()));
        return this;
    }

    /// <summary>UTF-8 text from a span (SQLite copies it).</summary>
    public Statement BindUtf8(int index, ReadOnlySpan<byte> utf8)
    {
        Check(raw.sqlite3_bind_text(_stmt, index, utf8));
        return this;
    }

    /// <summary>A prompt for the prompts table: <paramref name="packed"/> as a blob when there is one (<see cref="PromptRows.Pack"/>), else the text.</summary>
    public Statement BindPrompt(int index, ReadOnlySpan<byte> prompt, byte[]? packed)
    {
        Check(packed is null ? raw.sqlite3_bind_text(_stmt, index, prompt) : raw.sqlite3_bind_blob(_stmt, index, packed));
        return this;
    }

    /// <summary>An integer, or SQL NULL for none.</summary>
    public Statement Bind(int index, long? value)
    {
        Check(value is { } v ? raw.sqlite3_bind_int64(_stmt, index, v) : raw.sqlite3_bind_null(_stmt, index));
        return this;
    }

    public Statement Bind(int index, string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = Encoding.UTF8.GetBytes(value, buffer);
            Check(raw.sqlite3_bind_text(_stmt, index, buffer[..length]));
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
        return this;
    }

    /// <summary>Runs a statement that returns no rows, then resets it.</summary>
    public void Run()
    {
        try
        {
            Done(raw.sqlite3_step(_stmt));
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    /// <summary>Runs a statement that returns one integer (<c>RETURNING</c>), then resets it.</summary>
    public long RunInt64()
    {
        try
        {
            var rc = raw.sqlite3_step(_stmt);
            if (rc != raw.SQLITE_ROW) Fail(rc == raw.SQLITE_DONE ? raw.SQLITE_MISUSE : rc);
            return raw.sqlite3_column_int64(_stmt, 0);
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    /// <summary>The next row: true while there is one. Call <see cref="Reset"/> when done with the rows.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_stmt);
        if (rc == raw.SQLITE_ROW) return true;
        Done(rc);
        return false;
    }

    public void Reset() => raw.sqlite3_reset(_stmt);

    public long Int64(int column) => raw.sqlite3_column_int64(_stmt, column);

    public double Double(int column) => raw.sqlite3_column_double(_stmt, column);

    public bool IsNull(int column) => raw.sqlite3_column_type(_stmt, column) == raw.SQLITE_NULL;

    /// <summary>A text or blob column's bytes, valid until the next step or reset.</summary>
    public ReadOnlySpan<byte> Utf8(int column) => raw.sqlite3_column_blob(_stmt, column);

    /// <summary>
    /// A prompts row's prompt (<see cref="PromptRows"/>): a blob is unpacked (into a new array), text is its bytes as they are
    /// (valid until the next step or reset); empty for NULL.
    /// </summary>
    public ReadOnlySpan<byte> Prompt(int column) =>
        raw.sqlite3_column_type(_stmt, column) == raw.SQLITE_BLOB ? PromptRows.Unpack(raw.sqlite3_column_blob(_stmt, column)) : raw.sqlite3_column_blob(_stmt, column);

    public string Text(int column) => Encoding.UTF8.GetString(raw.sqlite3_column_blob(_stmt, column));

    public void Dispose() => _stmt.Dispose();

    private void Done(int rc)
    {
        if (rc != raw.SQLITE_DONE) Fail(rc);
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) Fail(rc);
    }

    private void Fail(int rc) => throw _db.Error(rc);
}
