using ComfySharp.Engine.Caching;

namespace ComfySharp.Engine.Tests.Caching;

public sealed class OutputCacheTests
{
    private static readonly CachedResult Result = new([["x"]], null);

    [Fact]
    public void Classic_keeps_only_what_the_current_prompt_uses()
    {
        var cache = OutputCache.Classic();
        var a = new CacheKey(1);
        var b = new CacheKey(2);
        cache.BeginPrompt([a, b]);
        cache.Set(a, Result);
        cache.Set(b, Result);
        cache.BeginPrompt([a]);
        Assert.True(cache.TryGet(a, out _));
        Assert.False(cache.TryGet(b, out _));
    }

    [Fact]
    public void Lru_evicts_the_least_recently_used_beyond_its_capacity()
    {
        var cache = OutputCache.Lru(2);
        for (var i = 1; i <= 3; i++)
        {
            cache.BeginPrompt([]);
            cache.Set(new CacheKey((UInt128)i), Result);
            cache.EndPrompt();
        }
        Assert.Equal(2, cache.Count);
        Assert.False(cache.TryGet(new CacheKey(1), out _));
        Assert.True(cache.TryGet(new CacheKey(3), out _));
    }

    [Fact]
    public void None_keeps_nothing()
    {
        var cache = OutputCache.None();
        cache.Set(new CacheKey(1), Result);
        Assert.False(cache.TryGet(new CacheKey(1), out _));
    }
}
