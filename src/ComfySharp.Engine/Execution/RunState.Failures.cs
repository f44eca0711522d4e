using System.Globalization;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Execution;

internal sealed partial class RunState
{
    private ExecutionOutcome Fail(NodeFailure failure)
    {
        _nodeCts.Cancel();
        // protocol.md §3.3.1: node_id is the real (top-level) node, the one that expanded for errors inside expansions.
        var realId = _graph.GetRealNodeId(failure.NodeId);
        var nodeType = _graph.TryGetNode(realId, out var realNode) ? realNode.ClassType : "";
        var data = new JsonObject
        {
            ["prompt_id"] = _scope.PromptId,
            ["node_id"] = realId,
            ["node_type"] = nodeType,
            ["executed"] = ExecutedJson(),
        };
        if (failure.IsCycle)
        {
            data["exception_message"] = "Dependency cycle detected\n";
            data["exception_type"] = "graph.DependencyCycleError";
            data["traceback"] = new JsonArray();
            data["current_inputs"] = new JsonArray();
        }
        else
        {
            // ComfyUI appends a newline (and tips) to every message.
            data["exception_message"] = failure.Error.Message + "\n";
            data["exception_type"] = ExceptionTypeName(failure.Error);
            data["traceback"] = Traceback(failure.Error);
            data["current_inputs"] = FormatInputs(failure.Inputs);
        }
        data["current_outputs"] = CurrentOutputs();
        data["timestamp"] = _executor.Timestamp();
        AddMessage("execution_error", data);
        _events.ExecutionError(_scope, data, blocked: false);
        return new ExecutionOutcome(ExecutionStatus.Error, _messages, _uiOutputs, _meta);
    }

    private ExecutionOutcome Interrupted()
    {
        var nodeId = _currentNode is null ? null : _graph.GetRealNodeId(_currentNode);
        var data = new JsonObject
        {
            ["prompt_id"] = _scope.PromptId,
            ["node_id"] = nodeId,
            ["node_type"] = nodeId is not null && _graph.TryGetNode(nodeId, out var node) ? node.ClassType : null,
            ["executed"] = ExecutedJson(),
            ["timestamp"] = _executor.Timestamp(),
        };
        AddMessage("execution_interrupted", data);
        _events.ExecutionInterrupted(_scope, data);
        return new ExecutionOutcome(ExecutionStatus.Interrupted, _messages, _uiOutputs, _meta);
    }

    /// <summary>Nothing is ready and nothing runs, yet nodes wait: an expansion built a cycle. Blame an expanded node's display id.</summary>
    private NodeFailure CycleFailure()
    {
        string? blamed = null;
        foreach (var id in _list.StagedIds)
        {
            if (_graph.IsEphemeral(id))
            {
                blamed = _graph.GetDisplayNodeId(id);
                break;
            }
            blamed ??= id;
        }
        return new NodeFailure(blamed!, new InvalidOperationException("Dependency cycle detected"), null, IsCycle: true);
    }

    /// <summary>An ExecutionBlocker with a message reports once per blocked call and passes on silently (protocol.md §6.5).</summary>
    private ExecutionBlocker ReportBlocked(string nodeId, string classType, ExecutionBlocker blocker)
    {
        if (blocker.Message is null) return blocker;
        var data = new JsonObject
        {
            ["prompt_id"] = _scope.PromptId,
            ["node_id"] = nodeId,
            ["node_type"] = classType,
            ["executed"] = new JsonArray(),
            ["exception_message"] = $"Execution Blocked: {blocker.Message}",
            ["exception_type"] = "ExecutionBlocked",
            ["traceback"] = new JsonArray(),
            ["current_inputs"] = new JsonArray(),
            ["current_outputs"] = new JsonArray(),
        };
        _events.ExecutionError(_scope, data, blocked: true);
        return Silent;
    }

    private static readonly ExecutionBlocker Silent = new(null);

    private JsonArray ExecutedJson()
    {
        var executed = new JsonArray();
        foreach (var id in _executed) executed.Add(id);
        return executed;
    }

    /// <summary>ComfyUI reports every node id in the cache's key set here; with no cache, nothing.</summary>
    private JsonArray CurrentOutputs()
    {
        var ids = new JsonArray();
        if (_cache.Mode == Caching.CacheMode.None) return ids;
        foreach (var id in _signatures.HashedIds) ids.Add(id);
        return ids;
    }

    private static JsonObject FormatInputs(Dictionary<string, IReadOnlyList<object?>>? inputs)
    {
        var formatted = new JsonObject();
        if (inputs is null) return formatted;
        foreach (var (name, values) in inputs)
        {
            var list = new JsonArray();
            foreach (var value in values) list.Add(FormatValue(value));
            formatted[name] = list;
        }
        return formatted;
    }

    private static JsonNode? FormatValue(object? value) => value switch
    {
        null => null,
        bool b => b,
        long l => l,
        ulong u => u,
        int i => i,
        double d => d,
        string s => s,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static string ExceptionTypeName(Exception ex)
    {
        var type = ex.GetType();
        return type.Namespace is "System" or null ? type.Name : type.FullName ?? type.Name;
    }

    private static JsonArray Traceback(Exception ex)
    {
        var lines = new JsonArray();
        if (ex.StackTrace is null) return lines;
        foreach (var line in ex.StackTrace.Split('\n', StringSplitOptions.RemoveEmptyEntries)) lines.Add(line.TrimEnd('\r') + "\n");
        return lines;
    }
}
