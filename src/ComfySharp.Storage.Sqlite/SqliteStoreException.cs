namespace ComfySharp.Storage.Sqlite;

/// <summary>SQLite refused an operation of the store; <see cref="ErrorCode"/> is SQLite's result code (e.g. 5 = busy, 19 = constraint).</summary>
public sealed class SqliteStoreException(string message, int errorCode) : IOException(message)
{
    public int ErrorCode { get; } = errorCode;
}
