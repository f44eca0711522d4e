using System.Net;

namespace ComfySharp.Client;

/// <summary>The server answered an HTTP request with an unexpected status.</summary>
public sealed class ComfyHttpException : ComfyException
{
    /// <summary>Creates the exception for <paramref name="statusCode"/> with the response body.</summary>
    public ComfyHttpException(HttpStatusCode statusCode, string method, string path, string body)
        : base($"{method} {path} answered {(int)statusCode} {statusCode}{(body.Length == 0 ? "" : ": " + Shorten(body))}")
    {
        StatusCode = statusCode;
        Body = body;
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The response body as text (may be empty).</summary>
    public string Body { get; }

    private static string Shorten(string body) => body.Length <= 300 ? body.ReplaceLineEndings(" ") : body[..300].ReplaceLineEndings(" ") + "…";
}
