using System.Text.Json;
using EgressGuard.Policy.Assessments;
using EgressGuard.Policy.Registry;
using EgressGuard.WebConsole.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EgressGuard.WebConsole.Api;

/// <summary>
/// <c>/api/v1/assessments</c>: read (any role), create / update / revoke (admin). Bodies are the
/// same JSON as one record of the import file; a bad record is a 400 listing every error and
/// nothing is stored. Every change is made in the caller's key name, which the registry keeps in
/// the record's history (and the ledger).
/// </summary>
internal static class AssessmentsApi
{
    private const int MaxReasonLength = 1000;

    public static Task List(HttpContext context, IAssessmentRegistry registry) =>
        ApiResponses.Json(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("assessments");
            foreach (var record in registry.Current())
            {
                w.WriteRawValue(AssessmentFileWriter.WriteRecord(record), skipInputValidation: true);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });

    public static Task Get(HttpContext context, IAssessmentRegistry registry, string id)
    {
        var record = registry.Find(id);
        return record is null
            ? ApiResponses.Error(context, StatusCodes.Status404NotFound, $"no assessment record '{id}'")
            : ApiResponses.Json(context, StatusCodes.Status200OK, w => w.WriteRawValue(AssessmentFileWriter.WriteRecord(record), skipInputValidation: true));
    }

    public static Task History(HttpContext context, IAssessmentRegistry registry, string id)
    {
        var versions = registry.History(id);
        return versions.Count == 0
            ? ApiResponses.Error(context, StatusCodes.Status404NotFound, $"no assessment record '{id}'")
            : ApiResponses.Json(context, StatusCodes.Status200OK, w =>
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteStartArray("versions");
                foreach (var record in versions)
                {
                    w.WriteRawValue(AssessmentFileWriter.WriteRecord(record), skipInputValidation: true);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
    }

    public static async Task Create(HttpContext context, IAssessmentRegistry registry, ILogger logger)
    {
        var record = await ReadRecord(context);
        if (record is null)
        {
            return;
        }

        var caller = RoleFilter.Caller(context);
        var result = registry.Create(record, caller.Name);
        await Respond(context, result, StatusCodes.Status201Created, "created", caller, logger);
    }

    public static async Task Update(HttpContext context, IAssessmentRegistry registry, string id, ILogger logger)
    {
        var record = await ReadRecord(context);
        if (record is null)
        {
            return;
        }

        if (!string.Equals(record.Id, id, StringComparison.Ordinal))
        {
            await ApiResponses.Errors(context, StatusCodes.Status400BadRequest, [$"Id: '{record.Id}' does not match the record in the path ('{id}'); a new recipient or scope is a new record"]);
            return;
        }

        var caller = RoleFilter.Caller(context);
        var result = registry.Update(record, caller.Name);
        await Respond(context, result, StatusCodes.Status200OK, "updated", caller, logger);
    }

    public static async Task Revoke(HttpContext context, IAssessmentRegistry registry, string id, ILogger logger)
    {
        var body = await ReadBody(context);
        if (body is null)
        {
            return;
        }

        string? reason = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String)
            {
                reason = r.GetString();
            }
        }
        catch (JsonException)
        {
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
        {
            await ApiResponses.Errors(context, StatusCodes.Status400BadRequest, [$"reason: required, a JSON body {{\"reason\": \"…\"}} of at most {MaxReasonLength} characters"]);
            return;
        }

        var caller = RoleFilter.Caller(context);
        var result = registry.Revoke(id, caller.Name, reason);
        await Respond(context, result, StatusCodes.Status200OK, "revoked", caller, logger);
    }

    private static async Task Respond(HttpContext context, RegistryResult result, int success, string action, ApiKey caller, ILogger logger)
    {
        switch (result.Outcome)
        {
            case RegistryOutcome.Stored when result.Record is not null:
                ConsoleLog.AssessmentChanged(logger, result.Record.Id, action, caller.Name, result.Record.Version);
                if (success == StatusCodes.Status201Created)
                {
                    context.Response.Headers.Location = "/api/v1/assessments/" + Uri.EscapeDataString(result.Record.Id);
                }

                await ApiResponses.Json(context, success, w => w.WriteRawValue(AssessmentFileWriter.WriteRecord(result.Record), skipInputValidation: true));
                break;
            case RegistryOutcome.NotFound:
                await ApiResponses.Errors(context, StatusCodes.Status404NotFound, result.Errors.Count > 0 ? result.Errors : ["no such assessment record"]);
                break;
            case RegistryOutcome.Conflict:
                await ApiResponses.Errors(context, StatusCodes.Status409Conflict, result.Errors);
                break;
            default:
                await ApiResponses.Errors(context, StatusCodes.Status400BadRequest, result.Errors);
                break;
        }
    }

    /// <summary>Reads and validates one record from the body. Null after a 400/413/415 response listing why was written.</summary>
    private static async Task<AssessmentRecord?> ReadRecord(HttpContext context)
    {
        var body = await ReadBody(context);
        if (body is null)
        {
            return null;
        }

        var parsed = AssessmentFileReader.ReadRecord(body);
        if (parsed.Record is null || parsed.Errors.Count > 0)
        {
            await ApiResponses.Errors(context, StatusCodes.Status400BadRequest, parsed.Errors);
            return null;
        }

        return parsed.Record;
    }

    /// <summary>Reads a JSON body (Kestrel caps its size: 413). Null after an error response was written.</summary>
    private static async Task<byte[]?> ReadBody(HttpContext context)
    {
        if (context.Request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await ApiResponses.Error(context, StatusCodes.Status415UnsupportedMediaType, "send the record as Content-Type: application/json");
            return null;
        }

        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            return buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await ApiResponses.Error(context, StatusCodes.Status413PayloadTooLarge, "request body too large");
            return null;
        }
    }
}
