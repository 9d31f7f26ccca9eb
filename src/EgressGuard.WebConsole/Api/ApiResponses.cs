using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace EgressGuard.WebConsole.Api;

/// <summary>The JSON error shapes of the API: <c>{"error": "..."}</c> and <c>{"errors": ["...", ...]}</c>.</summary>
internal static class ApiResponses
{
    public static Task Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        }

        return context.Response.Body.WriteAsync(buffer.ToArray()).AsTask();
    }

    public static Task Errors(HttpContext context, int status, IReadOnlyList<string> errors)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("errors");
            foreach (var error in errors)
            {
                w.WriteStringValue(error);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return context.Response.Body.WriteAsync(buffer.ToArray()).AsTask();
    }

    public static async Task Json(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var w = new Utf8JsonWriter(context.Response.BodyWriter);
        write(w);
        await w.FlushAsync(context.RequestAborted);
    }
}
