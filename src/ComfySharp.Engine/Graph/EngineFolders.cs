namespace ComfySharp.Engine.Graph;

/// <summary>The folders nodes read from and write to (ComfyUI's input, output, temp, models and user directories).</summary>
public sealed record EngineFolders(string Base, string Input, string Output, string Temp, string Models, string User)
{
    public static EngineFolders Under(string baseDirectory) => new(
        baseDirectory,
        Path.Combine(baseDirectory, "input"),
        Path.Combine(baseDirectory, "output"),
        Path.Combine(baseDirectory, "temp"),
        Path.Combine(baseDirectory, "models"),
        Path.Combine(baseDirectory, "user"));

    public void CreateAll()
    {
        Directory.CreateDirectory(Input);
        Directory.CreateDirectory(Output);
        Directory.CreateDirectory(Temp);
        Directory.CreateDirectory(Models);
        Directory.CreateDirectory(User);
    }
}
