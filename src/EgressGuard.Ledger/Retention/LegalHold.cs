namespace EgressGuard.Ledger.Retention;

/// <summary>A legal hold: no partition of a day in <see cref="From"/>–<see cref="To"/> (inclusive) is purged while it is active.</summary>
public sealed record LegalHold
{
    /// <summary>The hold's number (for <c>ledger hold release ID</c>).</summary>
    public required long Id { get; init; }

    /// <summary>First held UTC day.</summary>
    public required DateOnly From { get; init; }

    /// <summary>Last held UTC day.</summary>
    public required DateOnly To { get; init; }

    /// <summary>Why (case number, request).</summary>
    public required string Reason { get; init; }

    /// <summary>When it was placed.</summary>
    public required DateTimeOffset Placed { get; init; }

    /// <summary>When it was released; null while active.</summary>
    public DateTimeOffset? Released { get; init; }

    /// <summary>Whether the hold still stops purges.</summary>
    public bool IsActive => Released is null;

    /// <summary>Whether the hold covers <paramref name="day"/>.</summary>
    public bool Covers(DateOnly day) => IsActive && From <= day && day <= To;

    /// <summary>The range as <c>YYYY-MM-DD/YYYY-MM-DD</c> (the LegalHold event's subject).</summary>
    public string Range => From.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "/" + To.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
