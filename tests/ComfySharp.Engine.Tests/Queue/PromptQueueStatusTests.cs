using System.Text.Json.Nodes;
using ComfySharp.Engine.Queue;

namespace ComfySharp.Engine.Tests.Queue;

public sealed class PromptQueueStatusTests
{
    [Fact]
    public async Task The_enqueue_status_goes_out_before_a_waiting_worker_can_take_the_prompt()
    {
        var events = new StatusRecorder();
        using var queue = new PromptQueue(new InMemoryPromptStore(), events);
        events.Queue = queue;
        var take = queue.TakeAsync(TestContext.Current.CancellationToken);

        await queue.EnqueueAsync(new QueueItem(1, "p1", new JsonObject(), new JsonObject(), ["1"]), TestContext.Current.CancellationToken);
        var (item, _) = await take;

        Assert.Equal("p1", item.PromptId);
        // The enqueue's status saw no running prompt, even while it waited for one; then the dequeue's status.
        Assert.Equal([(1, false), (1, true)], events.Statuses);
    }

    private sealed class StatusRecorder : IgnoringEvents
    {
        private int _calls;

        public PromptQueue? Queue { get; set; }
        public List<(int Remaining, bool Running)> Statuses { get; } = [];

        public override void QueueChanged(int queueRemaining)
        {
            var queue = Queue!;
            if (Interlocked.Increment(ref _calls) == 1) SpinWait.SpinUntil(() => queue.Running is not null, TimeSpan.FromMilliseconds(200));
            lock (Statuses) Statuses.Add((queueRemaining, queue.Running is not null));
        }

    }
}
