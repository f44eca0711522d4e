namespace ComfySharp.Client;

/// <summary>A prompt ran but did not succeed: a node failed (<see cref="Error"/> set) or it was interrupted (<see cref="Interrupted"/>).</summary>
public sealed class ComfyExecutionException : ComfyException
{
    /// <summary>Creates the exception for <paramref name="result"/>.</summary>
    public ComfyExecutionException(PromptResult result) : base(Describe(result))
    {
        Result = result;
    }

    /// <summary>What the server recorded (status, partial outputs).</summary>
    public PromptResult Result { get; }

    /// <summary>The failing node's error, when a node failed.</summary>
    public ExecutionErrorInfo? Error => Result.Error;

    /// <summary>True when the prompt was interrupted.</summary>
    public bool Interrupted => Result.Interrupted;

    private static string Describe(PromptResult result)
    {
        if (result.Error is { } e)
        {
            var where = e.NodeId is null ? "" : $" in node {e.NodeId}{(e.NodeType is null ? "" : $" ({e.NodeType})")}";
            var type = string.IsNullOrEmpty(e.ExceptionType) ? "" : e.ExceptionType + ": ";
            return $"Prompt {result.PromptId} failed{where}: {type}{e.ExceptionMessage.Trim()}".ReplaceLineEndings(" ");
        }
        return result.Interrupted ? $"Prompt {result.PromptId} was interrupted." : $"Prompt {result.PromptId} did not complete ({result.StatusText}).";
    }
}
