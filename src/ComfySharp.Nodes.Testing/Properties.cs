using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ComfySharp.Engine.Tests")]
