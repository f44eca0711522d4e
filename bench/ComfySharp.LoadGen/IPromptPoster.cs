namespace ComfySharp.LoadGen;

/// <summary><c>POST /prompt</c> over a connection of its own; used by one thread at a time, which it blocks until the answer.</summary>
internal interface IPromptPoster : IDisposable
{
    /// <summary>The prompt id on 200, else the status and the answer's body (status 0: no HTTP answer).</summary>
    /// <exception cref="OperationCanceledException">The scenario's token was cancelled.</exception>
    PostResult Post(byte[] body);
}
