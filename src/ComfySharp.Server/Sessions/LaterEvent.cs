using ComfySharp.Engine.Execution;

namespace ComfySharp.Server.Sessions;

/// <summary>
/// An event for one client whose text is written by the connection's writer as it sends it (<see cref="OutboundFrame.Later"/>),
/// instead of by the engine's worker as it raises it. <c>executing</c> and <c>progress_state</c> go out three times per node:
/// serialized on the worker, they cost it about a third of a long chain's run plus an array each; here they cost it one
/// small object, and their bytes are written once, straight into the connection's buffer, on the writer's thread (the
/// other core). With the writer busier, its sends carry more frames each.
/// 10,000-node chain, runs 6-7 of a server (perf, 18 prompts): server CPU 3,047 -> 2,388 samples, the worker's share
/// 1,402 -> 918, sends per prompt ~3,300 -> ~650.
/// </summary>
internal abstract class LaterEvent
{
    /// <summary>The message's JSON, in the calling thread's scratch: valid until that thread's next event.</summary>
    public abstract ReadOnlySpan<byte> Json();

    public static LaterEvent Executing(string nodeId, string displayNodeId, string promptId) => new ExecutingEvent(nodeId, displayNodeId, promptId);

    /// <summary>The nodes as they are now: the engine changes its records after the call.</summary>
    public static LaterEvent ProgressState(string promptId, IReadOnlyList<NodeProgress> nodes) =>
        new ProgressStateEvent(promptId, NodeProgress.Snapshot(nodes));

    private sealed class ExecutingEvent(string nodeId, string displayNodeId, string promptId) : LaterEvent
    {
        public override ReadOnlySpan<byte> Json() => EventFrames.ExecutingJson(nodeId, displayNodeId, promptId);
    }

    private sealed class ProgressStateEvent(string promptId, NodeProgress[] nodes) : LaterEvent
    {
        public override ReadOnlySpan<byte> Json() => EventFrames.ProgressStateJson(promptId, nodes);
    }
}
