namespace EgressGuard.Ledger.Retention;

/// <summary>
/// Which partitions retention may purge: the oldest days wholly older than the retention period,
/// as one run from the start of the log (a purge never leaves a hole), stopping at the first day a
/// legal hold covers, and never the newest partition (the one being written).
/// </summary>
public static class RetentionPlan
{
    /// <summary>The days to purge, oldest first; <paramref name="heldDay"/> is the first day kept only because of a hold.</summary>
    public static List<DateOnly> Select(IReadOnlyList<DateOnly> partitions, IReadOnlyList<LegalHold> holds, DateTimeOffset now, TimeSpan retention, out DateOnly? heldDay)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        ArgumentNullException.ThrowIfNull(holds);
        heldDay = null;

        // A day is past retention when all of it is: its end (next midnight) is before now − retention.
        var cutoff = DateOnly.FromDateTime((now - retention).UtcDateTime);
        var purge = new List<DateOnly>();
        for (var i = 0; i < partitions.Count - 1; i++)
        {
            var day = partitions[i];
            if (day >= cutoff)
            {
                break;
            }

            var held = false;
            foreach (var hold in holds)
            {
                held |= hold.Covers(day);
            }

            if (held)
            {
                heldDay = day;
                break;
            }

            purge.Add(day);
        }

        return purge;
    }
}
