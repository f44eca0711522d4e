using System.CommandLine;
using ComfySharp.Cli;

var root = new RootCommand("ComfySharp: a ComfyUI-compatible workflow server and tools.");
root.Options.Add(ClientOptions.Server);
root.Options.Add(ClientOptions.Json);
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(QueueCommand.Create());
root.Subcommands.Add(HistoryCommand.Create());
root.Subcommands.Add(NodesCommand.Create());
root.Subcommands.Add(InterruptCommand.Create());
root.Subcommands.Add(UploadCommand.Create());
return await root.Parse(args).InvokeAsync();
