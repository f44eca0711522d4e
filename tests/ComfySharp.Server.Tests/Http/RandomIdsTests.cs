using ComfySharp.Server.Http;
using ComfySharp.Server.Routes;

namespace ComfySharp.Server.Tests.Http;

public sealed class RandomIdsTests
{
    [Fact]
    public void Ids_are_distinct_version_4_uuids_across_refills_and_threads()
    {
        // 1,000 ids a thread crosses the 256-id refill three times.
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 1_000; i++) ids.Add(RandomIds.NewGuid().ToString());
        });
        Assert.Equal(4_000, ids.Distinct().Count());
        foreach (var id in ids)
        {
            Assert.True(PromptRoutes.IsCanonicalUuid(id), id);
            Assert.Equal('4', id[14]);
            Assert.Contains(id[19], "89ab");
        }
        // Every other hex digit takes all 16 values somewhere: nothing but the version and variant bits is fixed.
        for (var position = 0; position < 36; position++)
        {
            if (position is 8 or 13 or 18 or 23 or 14) continue;
            var seen = ids.Select(id => id[position]).Distinct().Count();
            Assert.True(seen == (position == 19 ? 4 : 16), $"position {position}: {seen} distinct digits");
        }
    }
}
