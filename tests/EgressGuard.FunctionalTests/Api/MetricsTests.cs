using System.Net;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.Tests.Common;

namespace EgressGuard.FunctionalTests.Api;

/// <summary>
/// Meters are process-wide: every appliance a test starts publishes an <c>EgressGuard.Proxy</c> meter
/// of the same name, and the console exports whatever it sees. A production process runs one
/// appliance; these tests run alone (no other test class in parallel) so that is true here too.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests
{
    private static string AuditorKey => ApiKeys.Auditor;

    private static void WithKeys(Dictionary<string, string?> config) => ApiKeys.Configure(config);

    private static HttpClient Client(ApplianceUnderTest box, string? key) => ApiKeys.Client(box, key);

    [Fact]
    public async Task Metrics_NeedAKey_AndCountTheProxysBlockedTransfersInPrometheusFormat()
    {
        await using var us = await LoopbackOrigin.StartAsync("127.0.0.2", "us-origin");
        await using var box = await ApplianceUnderTest.StartAsync(WithKeys);
        using var anonymous = Client(box, null);
        using var auditor = Client(box, AuditorKey);
        await ProcessRunner.CurlAsync("-s", "-x", box.ProxyUrl, us.BaseUrl + "/upload");
        var before = BlockedCount(await auditor.GetStringAsync("/metrics"));

        await ProcessRunner.CurlAsync("-s", "-x", box.ProxyUrl, us.BaseUrl + "/upload-again");
        // The counter moves when the record is written, which may trail curl's answer a little.
        var text = await auditor.GetStringAsync("/metrics");
        for (var i = 0; i < 50 && BlockedCount(text) < before + 1; i++)
        {
            await Task.Delay(100);
            text = await auditor.GetStringAsync("/metrics");
        }
        using var refused = await anonymous.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("service_name=\"egressguard\"", text, StringComparison.Ordinal);
        // Other appliances in this test process share the meter name, so count "at least one more".
        Assert.True(BlockedCount(text) >= before + 1, "the blocked-transfer counter did not move:\n" + text);
    }

    private static long BlockedCount(string prometheusText)
    {
        var line = prometheusText.Split('\n').FirstOrDefault(l =>
            l.StartsWith("egressguard_proxy_transfers_total{", StringComparison.Ordinal) && l.Contains("decision=\"block\"", StringComparison.Ordinal) && l.Contains("kind=\"http\"", StringComparison.Ordinal));
        if (line is null)
        {
            return 0;
        }

        return long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The collection of tests that must not share the process with other appliances.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "process-wide metrics";
}
