using System.CommandLine;
using System.Text.Json.Nodes;
using ComfySharp.Client;

namespace ComfySharp.Cli;

/// <summary><c>comfysharp upload FILE [--type input|temp|output] [--subfolder S] [--overwrite]</c>.</summary>
internal static class UploadCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The image to upload." };
        var type = new Option<string>("--type") { Description = "Target folder: input (default), temp or output.", DefaultValueFactory = _ => "input" };
        type.AcceptOnlyFromAmong("input", "temp", "output");
        var subfolder = new Option<string>("--subfolder") { Description = "Subfolder of the target folder.", DefaultValueFactory = _ => "" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a file of the same name." };
        var command = new Command("upload", "Upload an image to the server's input folder.") { file, type, subfolder, overwrite };
        command.SetAction((result, ct) => ClientOptions.RunAsync(result, async (client, json) =>
        {
            var path = result.GetValue(file)!;
            await using var stream = File.OpenRead(path);
            var uploaded = await client.UploadImageAsync(stream, Path.GetFileName(path),
                new UploadOptions { Type = result.GetValue(type)!, Subfolder = result.GetValue(subfolder)!, Overwrite = result.GetValue(overwrite) }, ct);
            if (json) ClientOptions.WriteJson(new JsonObject { ["name"] = uploaded.Name, ["subfolder"] = uploaded.Subfolder, ["type"] = uploaded.Type });
            else Console.WriteLine($"uploaded {uploaded.InputValue} ({uploaded.Type})");
            return 0;
        }, ct));
        return command;
    }
}
