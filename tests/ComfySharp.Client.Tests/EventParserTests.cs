using System.Text;
using ComfySharp.Client.Events;

namespace ComfySharp.Client.Tests;

public sealed class EventParserTests
{
    [Fact]
    public void Unknown_event_types_pass_through_with_their_data()
    {
        var e = Assert.IsType<UnknownEvent>(EventParser.Parse("""{"type": "my_pack.custom", "data": {"prompt_id": "p1", "x": 3}}"""u8));
        Assert.Equal("my_pack.custom", e.Type);
        Assert.Equal("p1", e.PromptId);
        Assert.Equal(3, (int)e.Data!["x"]!);
    }

    [Fact]
    public void Python_nan_and_infinity_are_read_as_null()
    {
        var json = """{"type": "execution_error", "data": {"prompt_id": "p", "node_id": "3", "exception_message": "NaN here\n", "current_inputs": {"cfg": [NaN], "x": [-Infinity, Infinity]}}}""";
        var e = Assert.IsType<ExecutionErrorEvent>(EventParser.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Equal("NaN here\n", e.Error.ExceptionMessage);
        Assert.Null(e.Error.Data!["current_inputs"]!["cfg"]![0]);
    }

    [Fact]
    public void Malformed_frames_are_ignored_not_thrown()
    {
        Assert.Null(EventParser.Parse("not json"u8));
        Assert.Null(EventParser.Parse("[1]"u8));
        Assert.Null(EventParser.Parse("""{"data": {}}"""u8));
        // Missing fields leave typed events with nulls or fall back to UnknownEvent, never throw.
        Assert.IsType<UnknownEvent>(EventParser.Parse("""{"type": "execution_start", "data": {}}"""u8));
        var executing = Assert.IsType<ExecutingEvent>(EventParser.Parse("""{"type": "executing", "data": {"node": "5"}}"""u8));
        Assert.Null(executing.PromptId);
        Assert.False(executing.IsPromptDone);
    }

    [Fact]
    public void Every_documented_event_has_a_type()
    {
        (string Json, Type Expected)[] cases =
        [
            ("""{"type":"status","data":{"status":{"exec_info":{"queue_remaining":2}},"sid":"s"}}""", typeof(StatusEvent)),
            ("""{"type":"execution_start","data":{"prompt_id":"p","timestamp":1}}""", typeof(ExecutionStartEvent)),
            ("""{"type":"execution_cached","data":{"nodes":["1"],"prompt_id":"p","timestamp":1}}""", typeof(ExecutionCachedEvent)),
            ("""{"type":"executing","data":{"node":null,"prompt_id":"p"}}""", typeof(ExecutingEvent)),
            ("""{"type":"progress","data":{"value":1,"max":2,"prompt_id":"p","node":"3"}}""", typeof(ProgressEvent)),
            ("""{"type":"progress_state","data":{"prompt_id":"p","nodes":{"3":{"value":1,"max":2,"state":"running","node_id":"3"}}}}""", typeof(ProgressStateEvent)),
            ("""{"type":"executed","data":{"node":"9","display_node":"9","output":{"images":[]},"prompt_id":"p"}}""", typeof(ExecutedEvent)),
            ("""{"type":"execution_success","data":{"prompt_id":"p","timestamp":1}}""", typeof(ExecutionSuccessEvent)),
            ("""{"type":"execution_error","data":{"prompt_id":"p","node_id":"3"}}""", typeof(ExecutionErrorEvent)),
            ("""{"type":"execution_interrupted","data":{"prompt_id":"p","node_id":"3","node_type":"K","executed":["1"],"timestamp":1}}""", typeof(ExecutionInterruptedEvent)),
            ("""{"type":"feature_flags","data":{"supports_preview_metadata":true}}""", typeof(FeatureFlagsEvent)),
            ("""{"type":"logs","data":{"entries":[{"t":"2026","m":"hi"}],"size":null}}""", typeof(LogsEvent)),
        ];
        foreach (var (json, expected) in cases) Assert.IsType(expected, EventParser.Parse(Encoding.UTF8.GetBytes(json)));
        var status = (StatusEvent)EventParser.Parse(Encoding.UTF8.GetBytes(cases[0].Json))!;
        Assert.Equal(2, status.QueueRemaining);
        Assert.Equal("s", status.Sid);
        var progress = (ProgressStateEvent)EventParser.Parse(Encoding.UTF8.GetBytes(cases[5].Json))!;
        var node = Assert.Single(progress.Nodes);
        Assert.Equal("3", node.Key);
        Assert.Equal(new NodeProgress("3", 1, 2, "running", null, null, null), node.Value);
        Assert.True(progress.Nodes.TryGetValue("3", out var same) && same == node.Value);
        Assert.False(progress.Nodes.ContainsKey("4"));
    }

    [Fact]
    public void Json_built_in_code_reads_numbers_of_any_clr_type()
    {
        Assert.Equal(42, EventParser.Num(System.Text.Json.Nodes.JsonValue.Create(42)));
        Assert.Equal(1.5, EventParser.Num(System.Text.Json.Nodes.JsonValue.Create(1.5m)));
        Assert.Null(EventParser.Num(System.Text.Json.Nodes.JsonValue.Create("x")));
    }
}
