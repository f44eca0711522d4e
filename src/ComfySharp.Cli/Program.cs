using System.CommandLine;
using ComfySharp.Cli;

var root = new RootCommand("ComfySharp: a ComfyUI-compatible workflow server and tools.");
root.Subcommands.Add(ServeCommand.Create());
return await root.Parse(args).InvokeAsync();
