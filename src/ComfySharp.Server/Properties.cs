using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ComfySharp.Server.Tests")]
[assembly: InternalsVisibleTo("ComfySharp.Client.Tests")]
[assembly: InternalsVisibleTo("ComfySharp.Interop.Tests")]
[assembly: InternalsVisibleTo("ComfySharp.Benchmarks")]
