using System.Text.Json.Nodes;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Server.Tests;

public sealed class ValidationTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<JsonObject> RejectAsync(JsonObject prompt, JsonObject? extra = null)
    {
        var request = new JsonObject { ["prompt"] = prompt.DeepClone() };
        if (extra is not null)
        {
            foreach (var (k, v) in extra) request[k] = v?.DeepClone();
        }
        var (status, body) = await _server.PostJsonAsync("/prompt", request, TestContext.Current.CancellationToken);
        Assert.Equal(400, status);
        return body!.AsObject();
    }

    private static JsonObject NodeError(JsonObject body, string nodeId) => body["node_errors"]![nodeId]!["errors"]![0]!.AsObject();

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1, 2]")]
    [InlineData("\"prompt\"")]
    [InlineData("")]
    public async Task Malformed_bodies_get_400_with_a_clear_error(string body)
    {
        var (status, json) = await _server.PostRawAsync("/prompt", body, TestContext.Current.CancellationToken);
        Assert.Equal(400, status);
        Assert.NotNull(json!["error"]!["type"]);
        Assert.False(string.IsNullOrEmpty((string?)json["error"]!["message"]));
        Assert.NotNull(json["node_errors"]);
    }

    [Fact]
    public async Task Missing_prompt_is_no_prompt()
    {
        var (status, body) = await _server.PostJsonAsync("/prompt", new JsonObject { ["client_id"] = "x" }, TestContext.Current.CancellationToken);
        Assert.Equal(400, status);
        Assert.Equal("no_prompt", (string?)body!["error"]!["type"]);
        Assert.Equal("No prompt provided", (string?)body["error"]!["message"]);
    }

    [Fact]
    public async Task Unknown_class_is_missing_node_type_with_extra_info()
    {
        var body = await RejectAsync(new JsonObject
        {
            ["5"] = new JsonObject { ["class_type"] = "NoSuchNode", ["inputs"] = new JsonObject(), ["_meta"] = new JsonObject { ["title"] = "My node" } },
        });
        var error = body["error"]!;
        Assert.Equal("missing_node_type", (string?)error["type"]);
        Assert.Equal("Node 'My node' not found. The custom node may not be installed.", (string?)error["message"]);
        Assert.Equal("Node ID '#5'", (string?)error["details"]);
        Assert.Equal("NoSuchNode", (string?)error["extra_info"]!["class_type"]);
    }

    [Fact]
    public async Task Missing_class_type_is_reported()
    {
        var body = await RejectAsync(new JsonObject { ["5"] = new JsonObject { ["inputs"] = new JsonObject() } });
        Assert.Equal("missing_node_type", (string?)body["error"]!["type"]);
        Assert.Contains("has no class_type", (string?)body["error"]!["message"]);
    }

    [Fact]
    public async Task No_output_nodes_is_prompt_no_outputs()
    {
        var prompt = Prompts.Trivial();
        prompt.Remove("3");
        Assert.Equal("prompt_no_outputs", (string?)(await RejectAsync(prompt))["error"]!["type"]);
    }

    [Fact]
    public async Task Empty_partial_execution_targets_select_nothing()
    {
        var body = await RejectAsync(Prompts.Trivial(), new JsonObject { ["partial_execution_targets"] = new JsonArray() });
        Assert.Equal("prompt_no_outputs", (string?)body["error"]!["type"]);
    }

    [Fact]
    public async Task Required_input_missing()
    {
        var prompt = Prompts.Trivial();
        prompt["2"]!["inputs"]!.AsObject().Remove("string_b");
        var body = await RejectAsync(prompt);
        Assert.Equal("prompt_outputs_failed_validation", (string?)body["error"]!["type"]);
        var error = NodeError(body, "2");
        Assert.Equal("required_input_missing", (string?)error["type"]);
        Assert.Equal("string_b", (string?)error["details"]);
        Assert.Equal(["3"], body["node_errors"]!["2"]!["dependent_outputs"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("StringConcatenate", (string?)body["node_errors"]!["2"]!["class_type"]);
        Assert.Null(body["node_errors"]!["3"]);
    }

    [Fact]
    public async Task Bad_linked_input()
    {
        var prompt = Prompts.Trivial();
        prompt["2"]!["inputs"]!["string_a"] = new JsonArray("1", 0, 5);
        Assert.Equal("bad_linked_input", (string?)NodeError(await RejectAsync(prompt), "2")["type"]);
    }

    [Fact]
    public async Task Link_to_a_missing_node_or_output_is_an_exception_error()
    {
        var prompt = Prompts.Trivial();
        prompt["2"]!["inputs"]!["string_a"] = new JsonArray("404", 0);
        var error = NodeError(await RejectAsync(prompt), "2");
        Assert.Equal("exception_during_inner_validation", (string?)error["type"]);
        Assert.Contains("404", (string?)error["details"]);

        prompt = Prompts.Trivial();
        prompt["3"]!["inputs"]!["source"] = new JsonArray("2", 7);
        Assert.Equal("exception_during_validation", (string?)NodeError(await RejectAsync(prompt), "3")["type"]);

        prompt = Prompts.Trivial();
        prompt["3"]!["inputs"]!["source"] = new JsonArray(2, 0);
        Assert.Equal("exception_during_validation", (string?)NodeError(await RejectAsync(prompt), "3")["type"]);
    }

    [Fact]
    public async Task Return_type_mismatch()
    {
        var prompt = Prompts.Trivial();
        prompt["1"] = new JsonObject { ["class_type"] = "PrimitiveInt", ["inputs"] = new JsonObject { ["value"] = 3 } };
        var error = NodeError(await RejectAsync(prompt), "2");
        Assert.Equal("return_type_mismatch", (string?)error["type"]);
        Assert.Equal("string_a, received_type(INT) mismatch input_type(STRING)", (string?)error["details"]);
        Assert.Equal("INT", (string?)error["extra_info"]!["received_type"]);
    }

    [Fact]
    public async Task Invalid_input_type_min_and_max()
    {
        var prompt = Prompts.Trivial();
        prompt["9"] = new JsonObject { ["class_type"] = "CsTestProgress", ["inputs"] = new JsonObject { ["steps"] = "many" } };
        var error = NodeError(await RejectAsync(prompt, new JsonObject { ["partial_execution_targets"] = new JsonArray("9") }), "9");
        Assert.Equal("invalid_input_type", (string?)error["type"]);
        Assert.Equal("Failed to convert an input value to a INT value", (string?)error["message"]);

        prompt["9"]!["inputs"]!["steps"] = 0;
        error = NodeError(await RejectAsync(prompt, new JsonObject { ["partial_execution_targets"] = new JsonArray("9") }), "9");
        Assert.Equal("value_smaller_than_min", (string?)error["type"]);
        Assert.Equal("Value 0 smaller than min of 1", (string?)error["message"]);

        prompt["9"]!["inputs"]!["steps"] = 101;
        error = NodeError(await RejectAsync(prompt, new JsonObject { ["partial_execution_targets"] = new JsonArray("9") }), "9");
        Assert.Equal("value_bigger_than_max", (string?)error["type"]);
        Assert.Equal(101, (int)error["extra_info"]!["received_value"]!);
    }

    [Fact]
    public async Task Static_cycle_is_a_dependency_cycle_on_every_node_of_it()
    {
        var prompt = Prompts.Trivial();
        prompt["4"] = new JsonObject
        {
            ["class_type"] = "StringConcatenate",
            ["inputs"] = new JsonObject { ["string_a"] = new JsonArray("2", 0), ["string_b"] = "", ["delimiter"] = "" },
        };
        prompt["2"]!["inputs"]!["string_a"] = new JsonArray("4", 0);
        var body = await RejectAsync(prompt);
        Assert.Equal("dependency_cycle", (string?)NodeError(body, "2")["type"]);
        Assert.Equal("dependency_cycle", (string?)NodeError(body, "4")["type"]);
        Assert.Contains("->", (string?)NodeError(body, "2")["details"]);
    }

    [Fact]
    public async Task A_node_linked_to_itself_is_a_dependency_cycle_of_one()
    {
        var prompt = Prompts.Trivial();
        prompt["2"]!["inputs"]!["string_a"] = new JsonArray("2", 0);
        var error = NodeError(await RejectAsync(prompt), "2");
        Assert.Equal("dependency_cycle", (string?)error["type"]);
        Assert.Contains("2 (StringConcatenate) -> 2 (StringConcatenate)", (string?)error["details"]);
    }

    [Fact]
    public async Task Invalid_prompt_id_is_rejected_and_a_canonical_one_is_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        var body = await RejectAsync(Prompts.Trivial(), new JsonObject { ["prompt_id"] = "not-a-uuid" });
        Assert.Equal("invalid_prompt_id", (string?)body["error"]!["type"]);
        var id = Guid.NewGuid().ToString();
        var (status, accepted) = await _server.PostJsonAsync("/prompt", new JsonObject { ["prompt"] = Prompts.Trivial("id"), ["prompt_id"] = id }, ct);
        Assert.Equal(200, status);
        Assert.Equal(id, (string?)accepted!["prompt_id"]);
    }

    [Fact]
    public async Task A_failed_output_is_dropped_while_a_valid_one_runs()
    {
        var ct = TestContext.Current.CancellationToken;
        var prompt = Prompts.Trivial("keep");
        prompt["8"] = new JsonObject { ["class_type"] = "PreviewAny", ["inputs"] = new JsonObject { ["source"] = new JsonArray("404", 0) } };
        var (status, body) = await _server.PostJsonAsync("/prompt", new JsonObject { ["prompt"] = prompt }, ct);
        Assert.Equal(200, status);
        Assert.NotNull(body!["node_errors"]!["8"]);
    }

    [Fact]
    public async Task Constants_are_coerced_like_ComfyUI_and_history_shows_the_coerced_prompt()
    {
        var ct = TestContext.Current.CancellationToken;
        var prompt = Prompts.Trivial();
        prompt["2"]!["inputs"]!["string_b"] = 5;
        await using var ws = await _server.ConnectAsync("coerce", ct);
        await ws.ReceiveJsonAsync(ct);
        var id = await _server.QueueAsync(prompt, "coerce", ct);
        await ws.CollectUntilDoneAsync(id, ct);
        var history = await _server.HistoryAsync(id, ct);
        Assert.Equal("5", (string?)history["prompt"]![2]!["2"]!["inputs"]!["string_b"]);
        Assert.Equal("hello 5", (string?)history["outputs"]!["3"]!["text"]![0]);
    }

    [Fact]
    public async Task Inputs_in_any_order_and_undeclared_ones_run_as_in_schema_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var prompt = Prompts.Trivial("order");
        prompt["2"]!["inputs"] = new JsonObject
        {
            ["delimiter"] = "-", ["string_b"] = "b", ["unknown"] = 1, ["string_a"] = new JsonArray("1", 0),
        };
        await using var ws = await _server.ConnectAsync("input-order", ct);
        await ws.ReceiveJsonAsync(ct);
        var id = await _server.QueueAsync(prompt, "input-order", ct);
        await ws.CollectUntilDoneAsync(id, ct);
        var history = await _server.HistoryAsync(id, ct);
        Assert.Equal("order-b", (string?)history["outputs"]!["3"]!["text"]![0]);
    }

    [Fact]
    public async Task The_priority_counter_advances_even_for_rejected_prompts()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, first) = await _server.PostJsonAsync("/prompt", new JsonObject { ["prompt"] = Prompts.Trivial("n1") }, ct);
        await _server.PostJsonAsync("/prompt", new JsonObject { ["client_id"] = "no prompt" }, ct);
        var (_, third) = await _server.PostJsonAsync("/prompt", new JsonObject { ["prompt"] = Prompts.Trivial("n3") }, ct);
        Assert.Equal((long)first!["number"]! + 2, (long)third!["number"]!);
    }

    // The usual body is read without a JSON tree; these are not, and must get the answers the tree's way gives.
    [Theory]
    [InlineData("""{"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}}} trailing""")]
    [InlineData("""{"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}}""")]
    [InlineData("""{"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": "x",}}}}""")]
    [InlineData("""{"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}}, "client_id": }""")]
    public async Task Invalid_json_after_or_inside_a_prompt_is_invalid_json_with_the_parser_message(string body)
    {
        var expected = Assert.ThrowsAny<System.Text.Json.JsonException>(() =>
            JsonNode.Parse(body, default, new System.Text.Json.JsonDocumentOptions { MaxDepth = 4096 })).Message;
        var (status, json) = await _server.PostRawAsync("/prompt", body, TestContext.Current.CancellationToken);
        Assert.Equal(400, status);
        Assert.Equal("invalid_json", (string?)json!["error"]!["type"]);
        Assert.Equal(expected, (string?)json["error"]!["details"]);
    }

    // A byte that is not UTF-8 (0xFF, written as '~' below) anywhere in a body: the JSON reader checks strings only when they
    // are read, and one in client_id once passed validation and took the server down when the worker read it.
    [Theory]
    [InlineData("/prompt", """{"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": "~"}}, "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}}""")]
    [InlineData("/prompt", """{"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}, "~": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}}""")]
    [InlineData("/prompt", """{"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}, "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}, "client_id": "~"}""")]
    [InlineData("/prompt", """{"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}, "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}, "extra_data": {"~": 1}}""")]
    [InlineData("/prompt", """{"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": "x"}, "_meta": {"title": "~"}}, "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}}""")]
    [InlineData("/queue", """{"delete": ["~"]}""")]
    [InlineData("/history", """{"delete": ["~"]}""")]
    [InlineData("/api/jobs/cancel", """{"job_ids": ["~"]}""", "Request body must be valid JSON")]
    public async Task A_body_that_is_not_utf8_is_invalid_json_and_the_server_goes_on(string path, string body, string said = "not valid UTF-8")
    {
        var ct = TestContext.Current.CancellationToken;
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        bytes[Array.IndexOf(bytes, (byte)'~')] = 0xFF;
        var (status, json) = await _server.PostBytesAsync(path, bytes, ct);
        Assert.Equal(400, status);
        Assert.Contains(said, json!.ToJsonString(), StringComparison.Ordinal);

        await using var ws = await _server.ConnectAsync("after-bad-utf8", ct);
        await ws.ReceiveJsonAsync(ct);
        var id = await _server.QueueAsync(Prompts.Trivial("still serving"), "after-bad-utf8", ct);
        await ws.CollectUntilDoneAsync(id, ct);
        Assert.Equal("success", (string?)(await _server.HistoryAsync(id, ct))["status"]!["status_str"]);
    }

    [Theory]
    [InlineData("""{"prompt": null}""", "no_prompt")]
    [InlineData("""{"prompt": [1, 2]}""", "invalid_prompt")]
    [InlineData("""{"prompt": "nodes"}""", "invalid_prompt")]
    [InlineData("""{"prompt": {"1": 5}}""", "missing_node_type")]
    [InlineData("""{"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}}, "number": "abc"}""", "invalid_prompt")]
    [InlineData("""{"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}}, "prompt_id": 5}""", "invalid_prompt_id")]
    [InlineData("""{"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}}, "partial_execution_targets": "1"}""", "invalid_prompt")]
    [InlineData("""{"prompt": {"1": {"class_type": "PreviewAny", "inputs": {"source": ["9", 0]}}}}""", "prompt_outputs_failed_validation")]
    [InlineData("""{"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}}, "number": 1e400}""", "invalid_prompt")]
    [InlineData("""{"prompt": {"1": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}}, "number": "-Infinity"}""", "invalid_prompt")]
    [InlineData("""{"prompt": {"1": {"class_type": "PreviewAny", "inputs": {"source": ["2", -1]}}, "2": {"class_type": "PrimitiveInt", "inputs": {"value": 1}}}}""", "prompt_outputs_failed_validation")]
    [InlineData("""{"prompt": {"1": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}}, "2": {"class_type": "PrimitiveFloat", "inputs": {"value": 1e400}}}}""", "prompt_outputs_failed_validation")]
    [InlineData("""{"prompt": {"1": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}}, "2": {"class_type": "PrimitiveFloat", "inputs": {"value": "nan"}}}}""", "prompt_outputs_failed_validation")]
    public async Task Bodies_of_other_shapes_keep_their_errors(string body, string type)
    {
        var (status, json) = await _server.PostRawAsync("/prompt", body, TestContext.Current.CancellationToken);
        Assert.Equal(400, status);
        Assert.Equal(type, (string?)json!["error"]!["type"]);
    }

    [Fact]
    public async Task A_link_to_a_missing_node_names_it_in_the_node_errors()
    {
        var (status, json) = await _server.PostRawAsync("/prompt",
            """{"prompt": {"1": {"class_type": "PreviewAny", "inputs": {"source": ["9", 0]}}}}""", TestContext.Current.CancellationToken);
        Assert.Equal(400, status);
        var error = NodeError(json!.AsObject(), "1");
        Assert.Equal("exception_during_validation", (string?)error["type"]);
        Assert.Contains("Linked node '9' does not exist in the prompt", (string?)error["details"] + (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prompt_with_spacing_escapes_and_titles_runs_and_history_shows_it()
    {
        var ct = TestContext.Current.CancellationToken;
        const string prompt = """
            { "1" : { "class_type" : "PrimitiveString", "_meta" : { "title" : "Caf\u00e9" }, "inputs" : { "value" : "caf\u00e9 \"é\"" } },
              "2" : { "class_type" : "StringConcatenate", "inputs" : { "string_a" : [ "1", 0 ], "string_b" : "!", "delimiter" : "" } },
              "3" : { "class_type" : "PreviewAny", "inputs" : { "source" : [ "2", 0 ] } } }
            """;
        await using var ws = await _server.ConnectAsync("raw-spacing", ct);
        await ws.ReceiveJsonAsync(ct);
        var (status, body) = await _server.PostRawAsync("/prompt", $$"""{"client_id": "raw-spacing", "prompt": {{prompt}}}""", ct);
        Assert.Equal(200, status);
        var id = (string)body!["prompt_id"]!;
        await ws.CollectUntilDoneAsync(id, ct);
        var history = await _server.HistoryAsync(id, ct);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(prompt), history["prompt"]![2]));
        Assert.Equal("caf\u00e9 \"é\"!", (string?)history["outputs"]!["3"]!["text"]![0]);
    }
}
