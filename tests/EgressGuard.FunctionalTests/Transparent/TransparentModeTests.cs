namespace EgressGuard.FunctionalTests.Transparent;

/// <summary>
/// Transparent mode in network namespaces (<see cref="TransparentLab"/>), with the shipped nftables
/// rules of each mode: plain HTTP decided by the original destination and the Host header, TLS by
/// SNI checked against the original destination — over IPv4 and IPv6 alike.
/// </summary>
public sealed class TransparentModeTests
{
    [NetnsTheory]
    [InlineData("redirect")]
    [InlineData("tproxy")]
    public async Task RedirectedHttpAndTls_AreDecidedByHostAndSniAgainstTheOriginalDestination(string mode)
    {
        await using var lab = await TransparentLab.StartAsync(mode);

        foreach (var (cn, us) in new[] { ("10.77.2.2", "10.77.2.3"), ("fd77:2::2", "fd77:2::3") })
        {
            var cnUrl = cn.Contains(':', StringComparison.Ordinal) ? "[" + cn + "]" : cn;
            var usUrl = us.Contains(':', StringComparison.Ordinal) ? "[" + us + "]" : us;

            // Plain HTTP, no proxy configured on the client: domestic passes, foreign without a record is refused.
            var domestic = await lab.CurlAsync($"http://{cnUrl}/hello");
            Assert.Equal("hello from " + cn, domestic.StandardOutput);
            var foreign = await lab.CurlAsync("-i", $"http://{usUrl}/hello");
            Assert.Contains(" 403 ", foreign.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("X-EgressGuard-Reason: NoAssessment", foreign.StandardOutput, StringComparison.Ordinal);

            // The Host header names the assessed site and resolves to the address dialled: allowed.
            var named = await lab.CurlAsync("-H", "Host: us.example.test", $"http://{usUrl}/hello");
            Assert.Equal("hello from " + us, named.StandardOutput);

            // TLS to a domestic name is intercepted: the client trusts only the box's CA and still gets the origin's answer.
            var intercepted = await lab.CurlAsync("--cacert", lab.ApplianceCaPath, "--resolve", $"cn.example.test:443:{cnUrl}", "https://cn.example.test/hello");
            Assert.True(intercepted.ExitCode == 0, intercepted.StandardError);
            Assert.Equal("hello from " + cn, intercepted.StandardOutput);

            // TLS, decided by SNI: the assessed name (in Tls:Bypass) passes spliced — the client sees the origin's own certificate ...
            var tls = await lab.CurlAsync("--cacert", lab.Pki.PemPath, "--resolve", $"us.example.test:443:{usUrl}", "https://us.example.test/hello");
            Assert.True(tls.ExitCode == 0, tls.StandardError);
            Assert.Equal("hello from " + us, tls.StandardOutput);

            // ... an SNI that does not resolve to the address is decided as the bare address: no record, connection refused.
            var borrowed = await lab.CurlAsync("-k", "--resolve", $"other.example.test:443:{usUrl}", "https://other.example.test/hello");
            Assert.NotEqual(0, borrowed.ExitCode);
            Assert.DoesNotContain("hello from", borrowed.StandardOutput, StringComparison.Ordinal);
        }

        var lines = await lab.StopAndQueryLedgerAsync();
        foreach (var (cn, us) in new[] { ("10.77.2.2", "10.77.2.3"), ("fd77:2::2", "fd77:2::3") })
        {
            Assert.Contains(lines, l => Has(l, "host", "us.example.test") && Has(l, "ip", us) && Has(l, "kind", "Tunnel") && Has(l, "decision", "Allow") && Has(l, "inspection", "Bypassed"));
            Assert.Contains(lines, l => Has(l, "host", "cn.example.test") && Has(l, "ip", cn) && Has(l, "kind", "Http") && Has(l, "decision", "Allow"));
            Assert.Contains(lines, l => Has(l, "host", us) && Has(l, "kind", "Tunnel") && Has(l, "decision", "Block"));
            Assert.Contains(lines, l => Has(l, "host", us) && Has(l, "kind", "Http") && Has(l, "reason", "NoAssessment"));
        }
    }

    private static bool Has(string jsonLine, string field, string value) =>
        jsonLine.Contains($"\"{field}\":\"{value}\"", StringComparison.Ordinal);
}
