using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;
using ComfySharp.Engine.Graph;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Tests.Models;

/// <summary>
/// The model cache under concurrent use. The server runs one prompt at a time and its diffusion nodes run to the end once
/// started, so the real races are between callers of the cache on other threads (async nodes, <c>/free</c>'s unload): a
/// checkpoint they all want before it is loaded is loaded once and shared.
/// </summary>
public sealed class ModelCacheTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ModelCache _cache;
    private readonly string _path;

    public ModelCacheTests()
    {
        var checkpoints = Path.Combine(_folder.Path, "models", "checkpoints");
        Directory.CreateDirectory(checkpoints);
        _path = TinyCheckpoint.Write(Path.Combine(checkpoints, "tiny.safetensors"), SafetensorsDType.F32);
        _cache = new ModelCache(new DiffusionPackOptions(EngineFolders.Under(_folder.Path)));
    }

    public void Dispose()
    {
        _cache.Dispose();
        _folder.Dispose();
    }

    private object[] RaceForTheCheckpoint(int callers)
    {
        var seen = new object[callers];
        using var start = new Barrier(callers);
        var threads = new Thread[callers];
        for (var i = 0; i < callers; i++)
        {
            var index = i;
            threads[i] = new Thread(() =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                seen[index] = _cache.WithCheckpoint(_path, checkpoint =>
                {
                    checkpoint.UNet.Prepare();
                    return (object)checkpoint;
                });
            });
            threads[i].Start();
        }
        foreach (var t in threads) t.Join();
        return seen;
    }

    [Fact]
    public void Callers_racing_for_a_checkpoint_that_is_not_loaded_share_one_load()
    {
        var seen = RaceForTheCheckpoint(6);
        Assert.Equal(1, _cache.LoadCount);
        Assert.Equal(1, _cache.LoadedCount);
        Assert.All(seen, s => Assert.Same(seen[0], s));
    }

    [Fact]
    public void After_an_unload_the_next_race_loads_it_once_more()
    {
        var first = RaceForTheCheckpoint(3);
        _cache.UnloadAll();
        Assert.Equal(0, _cache.LoadedCount);
        var second = RaceForTheCheckpoint(3);
        Assert.Equal(2, _cache.LoadCount);
        Assert.All(second, s => Assert.Same(second[0], s));
        Assert.NotSame(first[0], second[0]);
    }
}
