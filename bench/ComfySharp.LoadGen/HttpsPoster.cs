using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ComfySharp.LoadGen;

/// <summary><c>POST /prompt</c> for https URLs, through a shared <see cref="HttpClient"/> and its synchronous Send.</summary>
internal sealed class HttpsPoster(HttpClient https, CancellationToken ct) : IPromptPoster
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    public PostResult Post(byte[] body)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "prompt") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = JsonType;
            using var response = https.Send(request, ct);
            string text;
            using (var reader = new StreamReader(response.Content.ReadAsStream(ct))) text = reader.ReadToEnd();
            if (response.StatusCode != HttpStatusCode.OK) return new PostResult(null, (int)response.StatusCode, text);
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("prompt_id", out var id) && id.ValueKind == JsonValueKind.String
                ? new PostResult(id.GetString(), 200, null)
                : new PostResult(null, 200, "no prompt_id in " + text);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !ct.IsCancellationRequested)
        {
            return new PostResult(null, 0, ex.Message);
        }
        catch (JsonException ex)
        {
            return new PostResult(null, 200, "unreadable answer: " + ex.Message);
        }
    }

    public void Dispose()
    {
        // The HttpClient is the connection's, shared by every poster.
    }
}
