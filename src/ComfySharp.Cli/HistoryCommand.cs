using System.CommandLine;
using System.Text.Json.Nodes;
using ComfySharp.Client;

namespace ComfySharp.Cli;

/// <summary><c>comfysharp history [list|show ID|clear|delete ID…]</c>.</summary>
internal static class HistoryCommand
{
    public static Command Create()
    {
        var max = new Option<int?>("--max") { Description = "Only the last N entries." };
        var list = new Command("list", "List finished prompts, oldest first (the default).") { max };
        list.SetAction((result, ct) => ClientOptions.RunAsync(result, (client, json) => ListAsync(client, json, result.GetValue(max), ct), ct));

        var id = new Argument<string>("prompt-id") { Description = "The prompt id." };
        var show = new Command("show", "Show one prompt's status and outputs.") { id };
        show.SetAction((result, ct) => ClientOptions.RunAsync(result, async (client, json) =>
        {
            var promptId = result.GetValue(id)!;
            var entry = await client.GetHistoryAsync(promptId, ct) ?? throw new ComfyException($"Prompt {promptId} has no history entry.");
            if (json)
            {
                ClientOptions.WriteJson(entry.Raw);
                return 0;
            }
            Console.WriteLine($"{entry.PromptId}  {Status(entry)}");
            if (entry.Error is { } error) Console.WriteLine($"error in node {error.NodeId} ({error.NodeType}): {error.ExceptionMessage.Trim()}");
            foreach (var (nodeId, outputs) in entry.Outputs)
            {
                foreach (var image in outputs.Images) Console.WriteLine($"output {nodeId}: {image.Type}/{(image.Subfolder.Length == 0 ? "" : image.Subfolder + "/")}{image.Filename}");
                if (outputs.Images.Count == 0) Console.WriteLine($"output {nodeId}: {outputs.Raw.ToJsonString()}");
            }
            return 0;
        }, ct));

        var clear = new Command("clear", "Delete every history entry.");
        clear.SetAction((result, ct) => ClientOptions.RunAsync(result, async (client, json) =>
        {
            await client.ClearHistoryAsync(ct);
            QueueCommand.Report(json, "cleared", []);
            return 0;
        }, ct));
        var ids = new Argument<string[]>("prompt-id") { Arity = ArgumentArity.OneOrMore, Description = "Prompt ids." };
        var delete = new Command("delete", "Delete history entries by id.") { ids };
        delete.SetAction((result, ct) => ClientOptions.RunAsync(result, async (client, json) =>
        {
            var which = result.GetValue(ids)!;
            await client.DeleteHistoryAsync(which, ct);
            QueueCommand.Report(json, "deleted", which);
            return 0;
        }, ct));

        var command = new Command("history", "List, show or clear finished prompts.") { list, show, clear, delete };
        command.SetAction((result, ct) => ClientOptions.RunAsync(result, (client, json) => ListAsync(client, json, null, ct), ct));
        return command;
    }

    private static async Task<int> ListAsync(ComfyClient client, bool json, int? max, CancellationToken ct)
    {
        if (max is <= 0) throw new ArgumentException("--max must be positive.");
        var entries = await client.GetHistoryAsync(max, cancellationToken: ct);
        if (json)
        {
            var array = new JsonArray();
            foreach (var e in entries)
            {
                var files = 0;
                foreach (var o in e.Outputs.Values) files += o.Images.Count;
                array.Add(new JsonObject { ["prompt_id"] = e.PromptId, ["status"] = Status(e), ["outputs"] = e.Outputs.Count, ["images"] = files });
            }
            ClientOptions.WriteJson(array);
            return 0;
        }
        if (entries.Count == 0) Console.WriteLine("history is empty");
        foreach (var e in entries) Console.WriteLine($"{e.PromptId}  {Status(e)}  {e.Outputs.Count} outputs");
        return 0;
    }

    private static string Status(HistoryEntry e) => e.Completed ? "success" : e.Interrupted ? "interrupted" : e.StatusText ?? "unknown";
}
