using System.CommandLine;

namespace ComfySharp.Cli;

/// <summary><c>comfysharp interrupt [--prompt-id ID]</c>.</summary>
internal static class InterruptCommand
{
    public static Command Create()
    {
        var promptId = new Option<string?>("--prompt-id") { Description = "Interrupt only if this prompt is the one running." };
        var command = new Command("interrupt", "Interrupt the running prompt.") { promptId };
        command.SetAction((result, ct) => ClientOptions.RunAsync(result, async (client, json) =>
        {
            var id = result.GetValue(promptId);
            await client.InterruptAsync(id, ct);
            QueueCommand.Report(json, "interrupted", id is null ? [] : [id]);
            return 0;
        }, ct));
        return command;
    }
}
