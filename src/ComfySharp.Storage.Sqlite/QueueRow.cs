namespace ComfySharp.Storage.Sqlite;

/// <summary>
/// Where a queue item's row is, whether it is marked running (running items are not removed by delete or clear), and the
/// row of the <c>prompts</c> table that holds its prompt with that prompt's hash (<see cref="PromptRows"/>; none for a row
/// written before schema 3).
/// </summary>
internal readonly record struct QueueRow(long Row, bool Running, long? PromptRow, long PromptHash);
