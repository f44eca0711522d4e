namespace ComfySharp.Server.Http;

/// <summary>Kestrel's body limit surfaces as an exception while reading: answer it with its status (413), never a 500.</summary>
internal sealed class RequestErrorsMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = ex.StatusCode;
            await context.Response.WriteAsync(ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "Request Entity Too Large"
                : ex.Message, context.RequestAborted);
        }
    }
}
