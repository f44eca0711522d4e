using System.IO.Compression;
using System.Xml.Linq;
using ComfySharp.Client.Tests.Infrastructure;

namespace ComfySharp.Client.Tests;

/// <summary><c>dotnet pack</c> of the SDK: one self-contained package with its README and XML documentation.</summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("comfysharp-pack-").FullName;

    [Fact]
    public async Task The_sdk_package_carries_readme_xml_docs_and_the_protocol_assembly()
    {
        var ct = TestContext.Current.CancellationToken;
        var pack = await CliProcess.RunProcessAsync("dotnet",
            ["pack", Path.Combine(CliProcess.RepoRoot, "src", "ComfySharp.Client", "ComfySharp.Client.csproj"), "-c", CliProcess.Configuration, "--no-build", "-o", _folder, "-nologo"],
            _folder, ct);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var package = Assert.Single(Directory.GetFiles(_folder, "ComfySharp.Client.*.nupkg"));
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (var expected in (string[])["README.md", "lib/net10.0/ComfySharp.Client.dll", "lib/net10.0/ComfySharp.Client.xml",
            "lib/net10.0/ComfySharp.Protocol.dll", "lib/net10.0/ComfySharp.Protocol.xml"])
        {
            Assert.Contains(expected, entries);
        }
        await using var nuspecStream = zip.GetEntry("ComfySharp.Client.nuspec")!.Open();
        var nuspec = await XDocument.LoadAsync(nuspecStream, LoadOptions.None, ct);
        var ns = nuspec.Root!.GetDefaultNamespace();
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("README.md", (string?)metadata.Element(ns + "readme"));
        // Only public packages as dependencies: the protocol assembly travels inside.
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => (string?)d.Attribute("id")).ToList();
        Assert.Equal(["Microsoft.Extensions.Logging.Abstractions"], dependencies);
        var docs = XDocument.Load(zip.GetEntry("lib/net10.0/ComfySharp.Client.xml")!.Open());
        Assert.Contains(docs.Descendants("member"), m => ((string?)m.Attribute("name"))?.StartsWith("M:ComfySharp.Client.ComfyClient.RunAsync", StringComparison.Ordinal) == true);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
