namespace ComfySharp.Interop.Tests;

internal static class RepoPaths
{
    /// <summary>The folder holding ComfySharp.slnx, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string Interop => Path.Combine(Root, "tests", "interop");

    /// <summary>The CLI, copied next to the tests by the project reference (with its runtimeconfig and deps files).</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "comfysharp.dll");

    public static string NewTempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "comfysharp-interop", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Deletes a test's folder; a child process that is still letting go of a file gets a few more tries.</summary>
    public static void DeleteFolder(string folder)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 5)
            {
                Thread.Sleep(200 * attempt);
            }
        }
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
