using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ComfySharp.Engine.Tests")]
[assembly: InternalsVisibleTo("ComfySharp.Nodes.Image")]
