using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ComfySharp.Engine.Tests")]
[assembly: InternalsVisibleTo("ComfySharp.Server")]
[assembly: InternalsVisibleTo("ComfySharp.Server.Tests")]
[assembly: InternalsVisibleTo("ComfySharp.Client.Tests")]
[assembly: InternalsVisibleTo("ComfySharp.Benchmarks")]
