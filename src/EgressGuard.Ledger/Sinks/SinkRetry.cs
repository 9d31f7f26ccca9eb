namespace EgressGuard.Ledger.Sinks;

/// <summary>Capped exponential backoff: <c>min · 2^(failures−1)</c>, at most <c>max</c>.</summary>
internal static class SinkRetry
{
    public static TimeSpan Delay(SinkShippingOptions options, int consecutiveFailures)
    {
        var exponent = Math.Clamp(consecutiveFailures - 1, 0, 30);
        var ticks = options.RetryMin.Ticks * (double)(1L << exponent);
        return ticks >= options.RetryMax.Ticks ? options.RetryMax : TimeSpan.FromTicks((long)ticks);
    }
}
