using System.Globalization;
using System.Text.Json;

namespace EgressGuard.Policy.Assessments;

/// <summary>
/// Reads the v0 assessment file: a JSON array of records. Every problem is reported (not just the
/// first), each prefixed with the record's index and id, and a file with any error yields no records
/// so a half-valid file never replaces a good snapshot.
/// </summary>
public static class AssessmentFileReader
{
    /// <summary>Files larger than this are refused rather than parsed.</summary>
    public const long MaxFileBytes = 16 * 1024 * 1024;

    private static readonly string[] KnownFields =
    [
        "Id", "Version", "Recipient", "RecipientCountry", "RecipientContact", "Mechanism", "ExemptBasis", "Destinations",
        "SourceGroups", "Categories", "SensitiveIncluded", "Purpose", "ValidFrom", "ValidTo", "Reference", "Status",
        "ApprovedBy", "ApprovedAt", "Notes",
    ];

    /// <summary>
    /// Reads and validates one record (a JSON object), as the API and the CSV import receive it.
    /// Every problem is listed; the record is null when there is any.
    /// </summary>
    public static AssessmentRecordResult ReadRecord(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
            if (!JsonDocument.TryParseValue(ref reader, out var parsed))
            {
                return new AssessmentRecordResult(null, ["empty document"]);
            }

            document = parsed;
            if (reader.Read())
            {
                document.Dispose();
                return new AssessmentRecordResult(null, ["not valid JSON: unexpected content after the record"]);
            }
        }
        catch (JsonException e)
        {
            return new AssessmentRecordResult(null, [$"not valid JSON: {e.Message}"]);
        }

        using (document)
        {
            var errors = new List<string>();
            var record = ReadRecord(document.RootElement, -1, errors);
            return errors.Count > 0 ? new AssessmentRecordResult(null, errors) : new AssessmentRecordResult(record, []);
        }
    }

    /// <summary>Reads and validates the file at <paramref name="path"/>.</summary>
    public static AssessmentLoadResult ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return AssessmentLoadResult.Failed($"assessments file '{path}': not found");
            }

            if (info.Length > MaxFileBytes)
            {
                return AssessmentLoadResult.Failed($"assessments file '{path}': {info.Length} bytes is over the {MaxFileBytes}-byte limit");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return AssessmentLoadResult.Failed($"assessments file '{path}': {e.Message}");
        }

        var result = Read(bytes);
        return result.Succeeded
            ? result
            : AssessmentLoadResult.Failed([.. result.Errors.Select(e => $"assessments file '{path}': {e}")]);
    }

    /// <summary>Reads and validates UTF-8 JSON.</summary>
    public static AssessmentLoadResult Read(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument? document = null;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
            if (!JsonDocument.TryParseValue(ref reader, out var parsed))
            {
                return AssessmentLoadResult.Failed("empty document");
            }

            document = parsed;

            // TryParseValue stops after the first value; anything but comments after it (a second
            // array from a bad merge, stray text) would otherwise be ignored silently.
            if (reader.Read())
            {
                document.Dispose();
                return AssessmentLoadResult.Failed("not valid JSON: unexpected content after the top-level array");
            }
        }
        catch (JsonException e)
        {
            document?.Dispose();
            return AssessmentLoadResult.Failed($"not valid JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return AssessmentLoadResult.Failed("the document must be a JSON array of assessment records");
            }

            var errors = new List<string>();
            var records = new List<AssessmentRecord>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                var record = ReadRecord(element, index, errors);
                if (record is not null && !ids.Add(record.Id))
                {
                    errors.Add($"[{index}] Id '{record.Id}': duplicate id");
                }
                else if (record is not null)
                {
                    records.Add(record);
                }

                index++;
            }

            return errors.Count > 0 ? AssessmentLoadResult.Failed([.. errors]) : AssessmentLoadResult.Loaded(records);
        }
    }

    private static AssessmentRecord? ReadRecord(JsonElement element, int index, List<string> errors)
    {
        var before = errors.Count;
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(index < 0 ? "a record must be a JSON object" : $"[{index}]: must be an object");
            return null;
        }

        var id = GetString(element, "Id");
        var where = index < 0
            ? (string.IsNullOrWhiteSpace(id) ? string.Empty : $"Id '{id}': ")
            : (string.IsNullOrWhiteSpace(id) ? $"[{index}]: " : $"[{index}] Id '{id}': ");
        void Error(string message) => errors.Add(where + message);

        foreach (var property in element.EnumerateObject())
        {
            if (Array.FindIndex(KnownFields, f => string.Equals(f, property.Name, StringComparison.OrdinalIgnoreCase)) < 0)
            {
                Error($"unknown field '{property.Name}' (known: {string.Join(", ", KnownFields)})");
            }
        }

        if (string.IsNullOrWhiteSpace(id))
        {
            Error("Id is required");
        }

        var recipient = GetString(element, "Recipient");
        if (string.IsNullOrWhiteSpace(recipient))
        {
            Error("Recipient is required");
        }

        var mechanismText = GetString(element, "Mechanism");
        TransferMechanism mechanism = default;
        if (string.IsNullOrWhiteSpace(mechanismText))
        {
            Error("Mechanism is required (SecurityAssessment, StandardContract, Certification or Exempt)");
        }
        else if (!Enum.TryParse(mechanismText, ignoreCase: true, out mechanism) || !Enum.IsDefined(mechanism) || !mechanismText.Trim().All(char.IsAsciiLetter))
        {
            Error($"Mechanism '{mechanismText}' is not one of SecurityAssessment, StandardContract, Certification, Exempt");
        }

        var destinations = new List<DestinationPattern>();
        var destinationTexts = GetStringArray(element, "Destinations", Error);
        if (destinationTexts is null || destinationTexts.Count == 0)
        {
            Error("Destinations must list at least one host, *.suffix, CIDR or country:XX");
        }
        else
        {
            for (var i = 0; i < destinationTexts.Count; i++)
            {
                if (DestinationPattern.TryParse(destinationTexts[i], out var pattern, out var patternError))
                {
                    destinations.Add(pattern!);
                }
                else
                {
                    Error($"Destinations[{i}]: {patternError}");
                }
            }
        }

        var categories = GetStringArray(element, "Categories", Error);
        if (categories is null || categories.Count == 0)
        {
            Error("Categories must list the permitted personal-information types, or \"*\" for all");
        }
        else
        {
            for (var i = 0; i < categories.Count; i++)
            {
                if (categories[i] != "*" && !PersonalCategories.IsKnown(categories[i]))
                {
                    Error($"Categories[{i}]: '{categories[i]}' is not \"*\" or a scanner type ({string.Join(", ", PersonalCategories.Names)})");
                }
            }
        }

        var validFrom = GetDate(element, "ValidFrom", Error);
        var validTo = GetDate(element, "ValidTo", Error);
        if (validFrom is { } from && validTo is { } to && to < from)
        {
            Error($"ValidTo {to:yyyy-MM-dd} is before ValidFrom {from:yyyy-MM-dd}");
        }

        var reference = GetOptionalString(element, "Reference", Error);
        var notes = GetOptionalString(element, "Notes", Error);
        var recipientCountry = GetOptionalString(element, "RecipientCountry", Error);
        if (recipientCountry is not null && (recipientCountry.Length != 2 || !char.IsAsciiLetter(recipientCountry[0]) || !char.IsAsciiLetter(recipientCountry[1])))
        {
            Error($"RecipientCountry '{recipientCountry}' is not a two-letter ISO 3166-1 code");
        }

        var contact = GetOptionalString(element, "RecipientContact", Error);
        var purpose = GetOptionalString(element, "Purpose", Error);
        var approvedBy = GetOptionalString(element, "ApprovedBy", Error);
        DateTimeOffset? approvedAt = null;
        if (GetOptionalString(element, "ApprovedAt", Error) is { } approvedText)
        {
            if (DateTimeOffset.TryParse(approvedText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                approvedAt = at;
            }
            else
            {
                Error($"ApprovedAt '{approvedText}' is not an ISO 8601 timestamp");
            }
        }

        var version = 0;
        if (TryGetProperty(element, "Version", out var versionElement) && versionElement.ValueKind != JsonValueKind.Null
            && (versionElement.ValueKind != JsonValueKind.Number || !versionElement.TryGetInt32(out version) || version < 0))
        {
            Error("Version must be a whole number, 0 or more");
        }

        var sensitive = false;
        if (TryGetProperty(element, "SensitiveIncluded", out var sensitiveElement) && sensitiveElement.ValueKind != JsonValueKind.Null)
        {
            if (sensitiveElement.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                sensitive = sensitiveElement.GetBoolean();
            }
            else
            {
                Error("SensitiveIncluded must be true or false");
            }
        }

        if (!sensitive && categories is not null)
        {
            foreach (var category in categories)
            {
                if (PersonalCategories.IsSensitive(category))
                {
                    Error($"Categories lists the sensitive type '{category}' but SensitiveIncluded is false");
                }
            }
        }

        ExemptBasis? basis = null;
        if (GetOptionalString(element, "ExemptBasis", Error) is { } basisText)
        {
            if (Enum.TryParse<ExemptBasis>(basisText, ignoreCase: true, out var parsedBasis) && Enum.IsDefined(parsedBasis) && basisText.Trim().All(char.IsAsciiLetter))
            {
                basis = parsedBasis;
            }
            else
            {
                Error($"ExemptBasis '{basisText}' is not one of Contract, HumanResources, Emergency, BelowThreshold");
            }
        }

        if (mechanism == TransferMechanism.Exempt && basis is null)
        {
            Error("ExemptBasis is required for an Exempt record (Contract, HumanResources, Emergency or BelowThreshold)");
        }
        else if (mechanism != TransferMechanism.Exempt && mechanism != default && basis is not null)
        {
            Error($"ExemptBasis applies only to Exempt records, not {mechanism}");
        }

        var status = AssessmentStatus.Active;
        if (GetOptionalString(element, "Status", Error) is { } statusText)
        {
            if (!Enum.TryParse(statusText, ignoreCase: true, out status) || !Enum.IsDefined(status) || !statusText.Trim().All(char.IsAsciiLetter))
            {
                Error($"Status '{statusText}' is not one of Draft, Active, Suspended, Revoked");
            }
            else if (status == AssessmentStatus.Expired)
            {
                Error("Status Expired is computed from ValidTo and cannot be set");
            }
        }

        IReadOnlyList<string> sourceGroups = ["*"];
        if (TryGetProperty(element, "SourceGroups", out _))
        {
            var groups = GetStringArray(element, "SourceGroups", Error);
            if (groups is null || groups.Count == 0)
            {
                Error("SourceGroups must list at least one group name, or \"*\" for all");
            }
            else
            {
                for (var i = 0; i < groups.Count; i++)
                {
                    if (string.IsNullOrWhiteSpace(groups[i]) || groups[i].Length > 64)
                    {
                        Error($"SourceGroups[{i}]: '{groups[i]}' is not a group name (1-64 characters) or \"*\"");
                    }
                }

                sourceGroups = groups;
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        return new AssessmentRecord
        {
            Id = id!.Trim(),
            Recipient = recipient!.Trim(),
            Mechanism = mechanism,
            Destinations = destinations,
            Categories = categories!,
            ValidFrom = validFrom!.Value,
            ValidTo = validTo!.Value,
            Reference = reference,
            Notes = notes,
            Version = version,
            RecipientCountry = recipientCountry?.ToUpperInvariant(),
            RecipientContact = contact,
            ExemptBasis = basis,
            SourceGroups = sourceGroups,
            SensitiveIncluded = sensitive,
            Purpose = purpose,
            Status = status,
            ApprovedBy = approvedBy,
            ApprovedAt = approvedAt,
        };
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static string? GetString(JsonElement element, string name) =>
        TryGetProperty(element, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? GetOptionalString(JsonElement element, string name, Action<string> error)
    {
        if (!TryGetProperty(element, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            error($"{name} must be a string");
            return null;
        }

        return value.GetString();
    }

    private static List<string>? GetStringArray(JsonElement element, string name, Action<string> error)
    {
        if (!TryGetProperty(element, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            error($"{name} must be an array of strings");
            return null;
        }

        var list = new List<string>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                list.Add(item.GetString()!);
            }
            else
            {
                error($"{name}[{i}] must be a string");
            }

            i++;
        }

        return list;
    }

    private static DateOnly? GetDate(JsonElement element, string name, Action<string> error)
    {
        if (!TryGetProperty(element, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            error($"{name} is required (an ISO date, YYYY-MM-DD, read as a China calendar day)");
            return null;
        }

        if (value.ValueKind == JsonValueKind.String
            && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        error($"{name} '{value}' is not an ISO date (YYYY-MM-DD)");
        return null;
    }
}
