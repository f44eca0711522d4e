using System.Text.Json.Nodes;
using ComfySharp.Client.Events;
using ComfySharp.Client.Tests.Infrastructure;
using ComfySharp.Server.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace ComfySharp.Client.Tests;

/// <summary>The socket drops (through a TCP proxy the test cuts) and the SDK reconnects, reconciles, and backs off on its TimeProvider.</summary>
public sealed class ReconnectTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task A_prompt_that_finishes_while_the_socket_is_down_is_still_returned()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var proxy = new TcpProxy(Server.BaseAddress);
        using var hook = new HookHandler();
        using var http = new HttpClient(hook);
        await using var client = Servers.Client(http, proxy.BaseAddress, "reconnect-finish-" + Prompts.NewId());
        var states = new StateLog(client);
        // A direct socket (not through the proxy) to see the queue empty: status goes to every socket after history is written.
        await using var watcher = await Server.ConnectAsync("reconnect-watcher-" + Prompts.NewId(), ct);

        var gate = "reconnect-finish-" + Prompts.NewId();
        var run = client.RunAsync(Prompts.Gate(gate), cancellationToken: ct);
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        await hook.PromptAnswered; // the drop hits the socket, not the POST (that case has its own test)

        proxy.Refuse();
        proxy.Drop();
        await states.WaitForAsync(ConnectionState.WaitingToReconnect, ct);
        TestNodes.Gates.Release(gate);
        await WaitForEmptyQueueAsync(watcher, ct);
        Assert.False(run.IsCompleted);

        proxy.Accept();
        var result = await run;
        Assert.True(result.Succeeded);
        Assert.Equal(gate, (string?)result.Outputs["1"].Raw["text"]![0]);
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Equal(client.ClientId, client.Sid); // resumed with the same client id
    }

    [Fact]
    public async Task A_prompt_whose_POST_answer_was_lost_is_found_after_the_reconnect()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var proxy = new TcpProxy(Server.BaseAddress);
        using var hook = new HookHandler();
        using var http = new HttpClient(hook);
        await using var client = Servers.Client(http, proxy.BaseAddress, "reconnect-lost-post-" + Prompts.NewId());
        var states = new StateLog(client);
        await using var watcher = await Server.ConnectAsync("reconnect-watcher-" + Prompts.NewId(), ct);
        // The server queued the prompt, then everything drops before its answer reaches the SDK.
        hook.OnPromptAnswered = () =>
        {
            proxy.Refuse();
            proxy.Drop();
            throw new HttpRequestException("the connection was reset");
        };

        var gate = "reconnect-lost-post-" + Prompts.NewId();
        var run = client.RunAsync(Prompts.Gate(gate), cancellationToken: ct);
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        await states.WaitForAsync(ConnectionState.WaitingToReconnect, ct);
        TestNodes.Gates.Release(gate);
        await WaitForEmptyQueueAsync(watcher, ct);
        Assert.False(run.IsCompleted, run.Exception?.ToString()); // neither lost nor failed: waiting for the server to answer again

        proxy.Accept();
        var result = await run;
        Assert.True(result.Succeeded);
        Assert.Equal(gate, (string?)result.Outputs["1"].Raw["text"]![0]);
    }

    [Fact]
    public async Task A_lost_POST_of_a_prompt_the_server_never_got_still_fails()
    {
        var ct = TestContext.Current.CancellationToken;
        using var hook = new HookHandler { OnPromptSending = () => throw new HttpRequestException("the connection was refused") };
        using var http = new HttpClient(hook);
        await using var client = Servers.Client(http, Server.BaseAddress, "reconnect-no-post-" + Prompts.NewId());
        // The server answers again at once; the prompt is in neither queue nor history, so the original error surfaces.
        var ex = await Assert.ThrowsAsync<ComfyConnectionException>(() => client.RunAsync(Prompts.Progress(1), cancellationToken: ct));
        Assert.Contains("refused", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_watched_prompt_that_finishes_while_the_socket_is_down_ends_its_stream()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var proxy = new TcpProxy(Server.BaseAddress);
        await using var client = Servers.Client(proxy.BaseAddress, "reconnect-watch-" + Prompts.NewId());
        var states = new StateLog(client);
        await client.ConnectAsync(ct);
        await using var watcher = await Server.ConnectAsync("reconnect-watcher-" + Prompts.NewId(), ct);
        var gate = "reconnect-watch-" + Prompts.NewId();
        var id = Guid.NewGuid().ToString();
        using var events = client.WatchPrompt(id);
        // The gate may be entered before the node's executing event crossed the proxy: drop only once the SDK has it.
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var seen = client.ObservePrompt(id, new Signal(e => e is ExecutingEvent { Node: "1" }, running));
        await client.QueuePromptAsync(Prompts.Gate(gate), new QueueOptions { PromptId = id }, ct);
        var collected = Task.Run(async () =>
        {
            var list = new List<ComfyEvent>();
            await foreach (var e in events.WithCancellation(ct)) list.Add(e);
            return list;
        }, ct);
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        await running.Task.WaitAsync(ct);
        proxy.Refuse();
        proxy.Drop();
        await states.WaitForAsync(ConnectionState.WaitingToReconnect, ct);
        TestNodes.Gates.Release(gate);
        await WaitForEmptyQueueAsync(watcher, ct);
        Assert.False(collected.IsCompleted);

        proxy.Accept();
        var list = await collected; // ended by the history lookup after the reconnect: the done events were never received
        Assert.Contains(list, e => e is ExecutingEvent { Node: "1" } x && x.Id == id);
        Assert.DoesNotContain(list, e => e is ExecutingEvent { IsPromptDone: true });
    }

    [Fact]
    public async Task After_a_drop_events_of_a_still_running_prompt_arrive_on_the_new_socket()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var proxy = new TcpProxy(Server.BaseAddress);
        using var hook = new HookHandler();
        using var http = new HttpClient(hook);
        await using var client = Servers.Client(http, proxy.BaseAddress, "reconnect-running-" + Prompts.NewId());
        var states = new StateLog(client);
        var gate = "reconnect-running-" + Prompts.NewId();
        var run = client.RunAsync(Prompts.Gate(gate), cancellationToken: ct);
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        await hook.PromptAnswered;

        proxy.Drop();
        await states.WaitForAsync(ConnectionState.WaitingToReconnect, ct);
        await states.WaitForAsync(ConnectionState.Connected, ct);
        TestNodes.Gates.Release(gate);
        var result = await run;
        Assert.True(result.Succeeded);
        Assert.True(proxy.Accepted >= 2);
    }

    [Fact]
    public async Task Fail_fast_fails_a_waiting_run_when_the_socket_drops()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var proxy = new TcpProxy(Server.BaseAddress);
        using var hook = new HookHandler();
        using var http = new HttpClient(hook);
        await using var client = Servers.Client(http, proxy.BaseAddress, "reconnect-failfast-" + Prompts.NewId(),
            new ComfyClientOptions { WhenDisconnected = DisconnectedBehavior.FailFast });
        var states = new StateLog(client);
        var gate = "reconnect-failfast-" + Prompts.NewId();
        var run = client.RunAsync(Prompts.Gate(gate), cancellationToken: ct);
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        await hook.PromptAnswered;
        proxy.Refuse();
        proxy.Drop();
        var ex = await Assert.ThrowsAsync<ComfyConnectionException>(() => run);
        Assert.Contains("dropped", ex.Message, StringComparison.Ordinal);
        await states.WaitForAsync(ConnectionState.WaitingToReconnect, ct);
        await Assert.ThrowsAsync<ComfyConnectionException>(() => client.RunAsync(Prompts.Progress(1), cancellationToken: ct));
        TestNodes.Gates.Release(gate);
    }

    [Fact]
    public async Task Backoff_delays_follow_the_policy_on_the_fake_clock()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var proxy = new TcpProxy(Server.BaseAddress);
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(5), Jitter = 0.5 };
        await using var client = Servers.Client(proxy.BaseAddress, "reconnect-backoff-" + Prompts.NewId(),
            new ComfyClientOptions { TimeProvider = time, Reconnect = policy, Random = () => 0.5 });
        var states = new StateLog(client);
        await client.ConnectAsync(ct);
        var acceptedBefore = proxy.Accepted;

        proxy.Refuse();
        proxy.Drop();
        // Random 0.5 puts the jitter factor at exactly 1: 1 s, 2 s, 4 s, then capped at 5 s.
        TimeSpan[] expected = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5)];
        for (var attempt = 1; attempt <= expected.Length; attempt++)
        {
            var waiting = await states.WaitForAsync(s => s.State == ConnectionState.WaitingToReconnect && s.Attempt == attempt, ct);
            Assert.Equal(expected[attempt - 1], waiting.Delay);
            // Nothing happens until the fake clock reaches the delay.
            time.Advance(waiting.Delay - TimeSpan.FromMilliseconds(1));
            Assert.DoesNotContain(states.Snapshot(), s => s.State == ConnectionState.Connecting && s.Attempt == attempt);
            time.Advance(TimeSpan.FromMilliseconds(1));
            await states.WaitForAsync(s => s.State == ConnectionState.Connecting && s.Attempt == attempt, ct);
        }

        // Attempt 4 is refused too (waiting for its failure before accepting again keeps it from racing the proxy); attempt 5 gets through.
        var last = await states.WaitForAsync(s => s.State == ConnectionState.WaitingToReconnect && s.Attempt == expected.Length + 1, ct);
        Assert.Equal(TimeSpan.FromSeconds(5), last.Delay);
        proxy.Accept();
        time.Advance(last.Delay);
        await states.WaitForAsync(ConnectionState.Connected, ct, after: last);
        Assert.Equal(acceptedBefore + 1, proxy.Accepted);
    }

    [Fact]
    public async Task Giving_up_after_max_attempts_fails_waiting_runs()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var proxy = new TcpProxy(Server.BaseAddress);
        await using var client = Servers.Client(proxy.BaseAddress, "reconnect-giveup-" + Prompts.NewId(), new ComfyClientOptions
        {
            Reconnect = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxAttempts = 2 },
        });
        var states = new StateLog(client);
        var gate = "reconnect-giveup-" + Prompts.NewId();
        var run = client.RunAsync(Prompts.Gate(gate), cancellationToken: ct);
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        proxy.Refuse();
        proxy.Drop();
        var ex = await Assert.ThrowsAsync<ComfyConnectionException>(() => run);
        Assert.Contains("Gave up", ex.Message, StringComparison.Ordinal);
        var failed = await states.WaitForAsync(ConnectionState.Failed, ct);
        Assert.Equal(2, failed.Attempt);
        TestNodes.Gates.Release(gate);
    }

    [Theory]
    [InlineData(1, 0.0, 500)]
    [InlineData(1, 0.5, 1000)]
    [InlineData(1, 0.999999, 1500)]
    [InlineData(3, 0.5, 4000)]
    [InlineData(10, 0.0, 15000)]
    [InlineData(10, 0.999999, 30000)]
    public void GetDelay_is_exponential_with_bounded_jitter(int attempt, double random, double expectedMs)
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(30), Jitter = 0.5 };
        Assert.Equal(expectedMs, policy.GetDelay(attempt, random).TotalMilliseconds, precision: 0);
    }

    [Fact]
    public void GetDelay_never_exceeds_the_maximum_and_rejects_attempt_zero()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(3), Jitter = 1 };
        for (var attempt = 1; attempt < 2000; attempt += 37) Assert.True(policy.GetDelay(attempt, 0.9999) <= TimeSpan.FromSeconds(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.GetDelay(0, 0.5));
    }

    /// <summary>
    /// Waits for a broadcast status with an empty queue. The greeting status (the one with a sid) is skipped: the watcher connects
    /// before the prompt is queued, so its greeting says 0 too, and the prompt may still be running.
    /// </summary>
    private static async Task WaitForEmptyQueueAsync(WsClient socket, CancellationToken ct)
    {
        while (true)
        {
            var json = await socket.ReceiveJsonAsync(ct);
            if ((string?)json["type"] == "status" && json["data"]?["sid"] is null &&
                (int?)json["data"]?["status"]?["exec_info"]?["queue_remaining"] == 0) return;
        }
    }

    /// <summary>Completes <paramref name="done"/> at the first event that matches.</summary>
    private sealed class Signal(Func<ComfyEvent, bool> match, TaskCompletionSource done) : IObserver<ComfyEvent>
    {
        public void OnNext(ComfyEvent value)
        {
            if (match(value)) done.TrySetResult();
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }

    /// <summary>Records every state change; waits for one without sleeping.</summary>
    private sealed class StateLog
    {
        private readonly List<ConnectionStateChangedEventArgs> _log = [];
        private readonly List<(Func<ConnectionStateChangedEventArgs, bool> Match, int From, TaskCompletionSource<ConnectionStateChangedEventArgs> Done)> _waits = [];

        public StateLog(ComfyClient client) => client.ConnectionStateChanged += (_, e) =>
        {
            lock (_log)
            {
                _log.Add(e);
                foreach (var w in _waits.ToList())
                {
                    if (_log.Count - 1 < w.From || !w.Match(e)) continue;
                    w.Done.TrySetResult(e);
                    _waits.Remove(w);
                }
            }
        };

        public List<ConnectionStateChangedEventArgs> Snapshot()
        {
            lock (_log) return [.. _log];
        }

        public Task<ConnectionStateChangedEventArgs> WaitForAsync(ConnectionState state, CancellationToken ct, ConnectionStateChangedEventArgs? after = null) =>
            WaitForAsync(s => s.State == state, ct, after);

        public Task<ConnectionStateChangedEventArgs> WaitForAsync(Func<ConnectionStateChangedEventArgs, bool> match, CancellationToken ct,
            ConnectionStateChangedEventArgs? after = null)
        {
            lock (_log)
            {
                var from = after is null ? 0 : _log.IndexOf(after) + 1;
                for (var i = from; i < _log.Count; i++)
                {
                    if (match(_log[i])) return Task.FromResult(_log[i]);
                }
                var done = new TaskCompletionSource<ConnectionStateChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waits.Add((match, from, done));
                return done.Task.WaitAsync(ct);
            }
        }
    }
}
