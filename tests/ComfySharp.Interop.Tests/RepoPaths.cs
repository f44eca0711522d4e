namespace ComfySharp.Interop.Tests;

internal static class RepoPaths
{
    /// <summary>The folder holding ComfySharp.slnx, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string Interop => Path.Combine(Root, "tests", "interop");

    /// <summary>The CLI built in the same configuration as these tests (test.sh builds the whole solution first).</summary>
    public static string CliDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                ? "Release"
                : "Debug";
            return Path.Combine(Root, "src", "ComfySharp.Cli", "bin", configuration, "net10.0", "comfysharp.dll");
        }
    }

    public static string NewTempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "comfysharp-interop", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ComfySharp.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("ComfySharp.slnx not found above " + AppContext.BaseDirectory);
    }
}
