namespace ComfySharp.Storage.Sqlite;

/// <summary>Where a queue item's row is, and whether it is marked running (running items are not removed by delete or clear).</summary>
internal readonly record struct QueueRow(long Row, bool Running);
