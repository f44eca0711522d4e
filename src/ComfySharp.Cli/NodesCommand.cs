using System.CommandLine;
using System.Text.Json.Nodes;

namespace ComfySharp.Cli;

/// <summary><c>comfysharp nodes [QUERY]</c>: search <c>/object_info</c> by class name, display name or category.</summary>
internal static class NodesCommand
{
    public static Command Create()
    {
        var query = new Argument<string?>("query") { Arity = ArgumentArity.ZeroOrOne, Description = "Text to find (case-insensitive); all nodes without it." };
        var command = new Command("nodes", "Search the server's node definitions.") { query };
        command.SetAction((result, ct) => ClientOptions.RunAsync(result, async (client, json) =>
        {
            var text = result.GetValue(query) ?? "";
            var all = await client.GetObjectInfoAsync(ct);
            var found = all.Values
                .Where(n => n.Name.Contains(text, StringComparison.OrdinalIgnoreCase) || n.DisplayName.Contains(text, StringComparison.OrdinalIgnoreCase)
                    || n.Category.Contains(text, StringComparison.OrdinalIgnoreCase))
                .OrderBy(n => n.Name, StringComparer.Ordinal)
                .ToList();
            if (json)
            {
                var body = new JsonObject();
                foreach (var n in found) body[n.Name] = n.Raw.DeepClone();
                ClientOptions.WriteJson(body);
                return 0;
            }
            if (found.Count == 0)
            {
                Console.WriteLine($"no node matches '{text}'");
                return 0;
            }
            foreach (var n in found)
            {
                var inputs = string.Join(", ", n.Inputs.Where(i => i.Section != Client.InputSection.Hidden).Select(i => $"{i.Name}:{i.Type}"));
                var outputs = string.Join(", ", n.Outputs.Select(o => o.Type));
                Console.WriteLine($"{n.Name}  [{n.Category}]  ({inputs}) -> ({outputs})");
            }
            return 0;
        }, ct));
        return command;
    }
}
