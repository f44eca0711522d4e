namespace ComfySharp.LoadGen;

/// <summary>The answer to <c>POST /prompt</c>: a prompt id when accepted, else the HTTP status (0: no answer) and the body or error.</summary>
internal readonly record struct PostResult(string? PromptId, int Status, string? Error)
{
    public bool Accepted => PromptId is not null;

    /// <summary>The rejection: status and body, the body cut to <paramref name="limit"/> characters.</summary>
    public string Describe(int limit = 2000) => Status == 0 ? "no HTTP answer: " + Body(limit) : $"HTTP {Status}: {Body(limit)}";

    /// <summary>The response body (or error message) cut to <paramref name="limit"/> characters.</summary>
    public string Body(int limit = 2000)
    {
        var body = Error ?? "";
        return body.Length > limit ? body[..limit] + "…" : body;
    }
}
