using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Client;
using ComfySharp.Client.Workflows;

namespace ComfySharp.Cli;

/// <summary><c>comfysharp run WORKFLOW.json [--set 3.seed=42 …] [--out DIR]</c>: queue, show progress, save the images.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var workflowPath = new Argument<string>("workflow") { Description = "An API-format workflow JSON file." };
        var set = new Option<string[]>("--set")
        {
            Description = "Set an input: NODE.INPUT=VALUE or NODE.inputs.INPUT=VALUE; NODE is an id, a title or a class_type. VALUE is JSON, else text.",
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<string?>("--out") { Description = "Download the output images into this folder." };
        var command = new Command("run", "Run a workflow and wait for its result.") { workflowPath, set, output };
        command.SetAction((result, ct) => ClientOptions.RunAsync(result, async (client, json) =>
        {
            var workflow = await Workflow.LoadAsync(result.GetValue(workflowPath)!, ct);
            foreach (var assignment in result.GetValue(set) ?? []) Apply(workflow, assignment);
            var outDir = result.GetValue(output);
            var started = Stopwatch.GetTimestamp();
            var interactive = !json && !Console.IsOutputRedirected;
            PromptResult run;
            if (interactive)
            {
                run = await TerminalProgress.RunAsync(client, workflow, outDir is not null, ct);
            }
            else
            {
                var observer = json ? null : new PlainProgress(workflow);
                run = await client.RunAsync(workflow, new RunOptions { DownloadImages = outDir is not null, Observer = observer }, ct);
            }
            var saved = new List<string>();
            if (outDir is not null)
            {
                Directory.CreateDirectory(outDir);
                foreach (var image in run.Images)
                {
                    var path = Path.Combine(outDir, Path.GetFileName(image.File.Filename));
                    await File.WriteAllBytesAsync(path, image.Bytes!, ct);
                    saved.Add(path);
                }
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (json)
            {
                var files = new JsonArray();
                foreach (var path in saved) files.Add(path);
                ClientOptions.WriteJson(new JsonObject
                {
                    ["prompt_id"] = run.PromptId,
                    ["status"] = run.StatusText,
                    ["outputs"] = run.History.Raw["outputs"]?.DeepClone(),
                    ["files"] = files,
                    ["seconds"] = Math.Round(elapsed.TotalSeconds, 3),
                });
            }
            else
            {
                foreach (var path in saved) Console.WriteLine($"saved {path}");
                foreach (var (nodeId, outputs) in run.Outputs)
                {
                    if (outputs.Images.Count == 0) Console.WriteLine($"output {nodeId}: {outputs.Raw.ToJsonString()}");
                }
                Console.WriteLine($"done {run.PromptId} in {elapsed.TotalSeconds:0.00} s");
            }
            return 0;
        }, ct));
        return command;
    }

    /// <summary>Applies <c>PATH=VALUE</c>: JSON when it parses (42, true, "x", [..]), else the text; a string input stays a string.</summary>
    internal static void Apply(Workflow workflow, string assignment)
    {
        var eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw new ArgumentException($"--set takes NODE.INPUT=VALUE, not '{assignment}'.");
        var path = assignment[..eq];
        var text = assignment[(eq + 1)..];
        JsonNode? value;
        var current = workflow.Get(path);
        if (current is JsonValue existing && existing.GetValueKind() == JsonValueKind.String)
        {
            value = text;
        }
        else
        {
            try
            {
                value = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                value = text;
            }
        }
        workflow.Set(path, value);
    }
}
