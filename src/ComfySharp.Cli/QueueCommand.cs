using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using ComfySharp.Client;

namespace ComfySharp.Cli;

/// <summary><c>comfysharp queue [list|clear|delete ID…]</c>.</summary>
internal static class QueueCommand
{
    public static Command Create()
    {
        var list = new Command("list", "Show the running and pending prompts (the default).");
        list.SetAction((result, ct) => ClientOptions.RunAsync(result, (client, json) => ListAsync(client, json, ct), ct));
        var clear = new Command("clear", "Remove every pending prompt.");
        clear.SetAction((result, ct) => ClientOptions.RunAsync(result, async (client, json) =>
        {
            await client.ClearQueueAsync(ct);
            Report(json, "cleared", []);
            return 0;
        }, ct));
        var ids = new Argument<string[]>("prompt-id") { Arity = ArgumentArity.OneOrMore, Description = "Prompt ids." };
        var delete = new Command("delete", "Remove pending prompts by id.") { ids };
        delete.SetAction((result, ct) => ClientOptions.RunAsync(result, async (client, json) =>
        {
            var which = result.GetValue(ids)!;
            await client.DeleteFromQueueAsync(which, ct);
            Report(json, "deleted", which);
            return 0;
        }, ct));
        var command = new Command("queue", "List, clear or delete queued prompts.") { list, clear, delete };
        command.SetAction((result, ct) => ClientOptions.RunAsync(result, (client, json) => ListAsync(client, json, ct), ct));
        return command;
    }

    private static async Task<int> ListAsync(ComfyClient client, bool json, CancellationToken ct)
    {
        var queue = await client.GetQueueAsync(ct);
        if (json)
        {
            ClientOptions.WriteJson(new JsonObject { ["running"] = Items(queue.Running), ["pending"] = Items(queue.Pending) });
            return 0;
        }
        if (queue.Running.Count == 0 && queue.Pending.Count == 0) Console.WriteLine("queue is empty");
        foreach (var item in queue.Running) Console.WriteLine($"running  {item.PromptId}  #{Number(item.Number)}  {item.Prompt.Count} nodes");
        foreach (var item in queue.Pending) Console.WriteLine($"pending  {item.PromptId}  #{Number(item.Number)}  {item.Prompt.Count} nodes");
        return 0;
    }

    internal static string Number(double number) => number.ToString("0.###", CultureInfo.InvariantCulture);

    internal static void Report(bool json, string what, IReadOnlyList<string> ids)
    {
        if (json)
        {
            var array = new JsonArray();
            foreach (var id in ids) array.Add(id);
            ClientOptions.WriteJson(new JsonObject { [what] = ids.Count == 0 ? true : array });
        }
        else
        {
            Console.WriteLine(ids.Count == 0 ? what : $"{what} {string.Join(' ', ids)}");
        }
    }

    private static JsonArray Items(IReadOnlyList<QueueItem> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            var outputs = new JsonArray();
            foreach (var o in item.OutputsToExecute) outputs.Add(o);
            array.Add(new JsonObject
            {
                ["prompt_id"] = item.PromptId,
                ["number"] = item.Number,
                ["client_id"] = item.ClientId,
                ["nodes"] = item.Prompt.Count,
                ["outputs_to_execute"] = outputs,
            });
        }
        return array;
    }
}
