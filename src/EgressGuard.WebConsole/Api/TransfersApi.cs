using System.Globalization;
using EgressGuard.Ledger.Query;
using EgressGuard.Ledger.Records;
using EgressGuard.Ledger.Storage;
using EgressGuard.Policy.Decisions;
using Microsoft.AspNetCore.Http;

namespace EgressGuard.WebConsole.Api;

/// <summary>
/// <c>GET /api/v1/transfers</c>: transfer records, oldest first, with the same fields as
/// <c>egressguard ledger query</c>. Filters: <c>from</c>, <c>to</c> (ISO 8601), <c>decision</c>,
/// <c>reason</c>, <c>country</c>, <c>client</c>, <c>host</c>, <c>piType</c> (a finding of that
/// personal-information type), <c>assessment</c> (covered by that assessment id); paging: <c>limit</c> (1–10,000,
/// default 100) and <c>offset</c>. An unknown parameter is a 400, not silently ignored.
/// </summary>
internal static class TransfersApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    private static readonly string[] Known = ["from", "to", "decision", "reason", "country", "client", "host", "piType", "assessment", "limit", "offset"];

    public static async Task List(HttpContext context, ITransferLedger ledger)
    {
        var errors = new List<string>();
        var query = Parse(context.Request.Query, errors);
        if (query is null)
        {
            await ApiResponses.Errors(context, StatusCodes.Status400BadRequest, errors);
            return;
        }

        var records = await Task.Run(() => ledger.Query(query), context.RequestAborted);
        await ApiResponses.Json(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("offset", query.Offset);
            w.WriteNumber("limit", query.Limit);
            w.WriteNumber("count", records.Count);
            if (records.Count == query.Limit)
            {
                w.WriteNumber("nextOffset", query.Offset + records.Count);
            }
            else
            {
                w.WriteNull("nextOffset");
            }

            w.WriteStartArray("transfers");
            foreach (var record in records)
            {
                TransferRecordFormat.WriteJson(w, record);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    internal static TransferQuery? Parse(IQueryCollection parameters, List<string> errors)
    {
        QueryParameters.CheckKnown(parameters, Known, errors);

        var query = new TransferQuery
        {
            From = Time(parameters, "from", errors),
            To = Time(parameters, "to", errors),
            Decision = Enum<TransferVerdict>(parameters, "decision", errors),
            Reason = Enum<ReasonCode>(parameters, "reason", errors),
            Country = Text(parameters, "country"),
            Client = Text(parameters, "client"),
            Host = Text(parameters, "host"),
            PiType = Text(parameters, "piType"),
            AssessmentId = Text(parameters, "assessment"),
            Limit = (int)Number(parameters, "limit", DefaultLimit, 1, MaxLimit, errors),
            Offset = Number(parameters, "offset", 0, 0, long.MaxValue, errors),
        };
        if (query.From is { } f && query.To is { } t && t < f)
        {
            errors.Add("to: is before from");
        }

        return errors.Count == 0 ? query : null;
    }

    private static string? Text(IQueryCollection parameters, string name) =>
        parameters.TryGetValue(name, out var v) && v.Count == 1 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

    private static DateTimeOffset? Time(IQueryCollection parameters, string name, List<string> errors)
    {
        var text = Text(parameters, name);
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        errors.Add($"{name}: '{text}' is not an ISO 8601 time (e.g. 2026-11-25T08:00:00Z)");
        return null;
    }

    private static T? Enum<T>(IQueryCollection parameters, string name, List<string> errors)
        where T : struct, Enum
    {
        var text = Text(parameters, name);
        if (text is null)
        {
            return null;
        }

        // Names only: a number such as "3" would otherwise parse to whatever enum member has it.
        if (!char.IsAsciiDigit(text[0]) && text[0] != '-' && System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value))
        {
            return value;
        }

        errors.Add($"{name}: '{text}' is not one of {string.Join(", ", System.Enum.GetNames<T>())}");
        return null;
    }

    private static long Number(IQueryCollection parameters, string name, long fallback, long min, long max, List<string> errors)
    {
        var text = Text(parameters, name);
        if (text is null)
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add($"{name}: '{text}' is not a whole number from {min} to {max}");
        return fallback;
    }
}
