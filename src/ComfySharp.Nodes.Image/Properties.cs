using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ComfySharp.Nodes.Image.Tests")]
[assembly: InternalsVisibleTo("ComfySharp.Server")]
[assembly: InternalsVisibleTo("ComfySharp.Server.Tests")]
[assembly: InternalsVisibleTo("ComfySharp.Benchmarks")]
