using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ComfySharp.Storage.Sqlite.Tests")]
