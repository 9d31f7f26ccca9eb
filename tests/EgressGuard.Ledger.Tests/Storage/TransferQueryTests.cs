using System.Globalization;
using EgressGuard.Ledger.Query;
using EgressGuard.Ledger.Storage;
using EgressGuard.Policy.Decisions;

namespace EgressGuard.Ledger.Tests.Storage;

public sealed class TransferQueryTests(LedgerWithKnownRecords fixture) : IClassFixture<LedgerWithKnownRecords>
{
    [Theory]
    [InlineData("", new[] { 3, 1, 6, 2, 8, 0, 9, 5, 7, 4 })]
    // from is inclusive, to is exclusive
    [InlineData("from=3", new[] { 2, 8, 0, 9, 5, 7, 4 })]
    [InlineData("to=3", new[] { 3, 1, 6 })]
    [InlineData("from=3;to=6", new[] { 2, 8, 0 })]
    [InlineData("from=3;to=3", new int[0])]
    [InlineData("from=3;to=4", new[] { 2 })]
    [InlineData("from=10", new int[0])]
    [InlineData("to=0", new int[0])]
    // verdict and reason
    [InlineData("decision=Block", new[] { 1, 8, 5, 4 })]
    [InlineData("decision=Report", new[] { 2, 9 })]
    [InlineData("decision=Failed", new[] { 6 })]
    [InlineData("reason=NoAssessment", new[] { 1, 2, 9 })]
    [InlineData("reason=Domestic", new[] { 0, 7 })]
    [InlineData("reason=TunnelLimitReached", new int[0])]
    // country, case-insensitive
    [InlineData("country=US", new[] { 1, 6, 9 })]
    [InlineData("country=us", new[] { 1, 6, 9 })]
    [InlineData("country=hK", new[] { 2 })]
    [InlineData("country=DE", new int[0])]
    // client and host
    [InlineData("client=10.0.0.2", new[] { 1, 9, 4 })]
    [InlineData("client=fd00::5", new[] { 8 })]
    [InlineData("client=10.0.0.22", new int[0])]
    [InlineData("host=api.example.com", new[] { 1, 2, 9 })]
    [InlineData("host=API.Example.COM", new[] { 1, 2, 9 })]
    [InlineData("host=example.com", new int[0])]
    // combinations are ANDed
    [InlineData("decision=Report;country=US", new[] { 9 })]
    [InlineData("from=2;to=8;client=10.0.0.1", new[] { 6, 2, 0 })]
    [InlineData("reason=NoAssessment;host=api.example.com;decision=Block", new[] { 1 })]
    // paging
    [InlineData("limit=3", new[] { 0, 1, 2 })]
    [InlineData("limit=3;offset=3", new[] { 3, 4, 5 })]
    [InlineData("limit=3;offset=9", new[] { 9 })]
    [InlineData("limit=3;offset=10", new int[0])]
    [InlineData("decision=Block;limit=2;offset=1", new[] { 4, 5 })]
    [InlineData("after=4", new[] { 5, 6, 7, 8, 9 })]
    [InlineData("after=4;decision=Block", new[] { 5, 8 })]
    [InlineData("after=9", new int[0])]
    public void Query_Filter_ReturnsMatchingRecordsInLedgerOrder(string spec, int[] expected)
    {
        var query = Parse(spec);

        var live = fixture.Ledger.Query(query);
        var existing = LedgerReader.QueryRecords(fixture.DataDirectory, query);

        // Ledger (sequence) order = append order = index order.
        Assert.Equal(expected.Order().Select(i => fixture.Records[i].Id), live.Select(r => r.Id));
        Assert.Equal(live, existing);
    }

    [Fact]
    public void Query_PagingThroughEverything_ReassemblesTheFullResultWithoutOverlap()
    {
        var all = fixture.Ledger.Query(new TransferQuery());
        var pages = new List<Guid>();
        for (var offset = 0; ; offset += 4)
        {
            var page = fixture.Ledger.Query(new TransferQuery { Limit = 4, Offset = offset });
            if (page.Count == 0)
            {
                break;
            }

            Assert.True(page.Count <= 4);
            pages.AddRange(page.Select(r => r.Id));
        }

        Assert.Equal(all.Select(r => r.Id), pages);
    }

    [Fact]
    public void QueryPage_FollowingTheCursor_ReassemblesTheFullResultWithoutOverlap()
    {
        var all = fixture.Ledger.Query(new TransferQuery());
        var ids = new List<Guid>();
        var query = new TransferQuery { Limit = 3 };
        var pages = 0;
        while (true)
        {
            var page = fixture.Ledger.QueryPage(query);
            ids.AddRange(page.Records.Select(r => r.Record.Id));
            pages++;
            if (page.NextCursor is not { } next)
            {
                break;
            }

            query = query with { AfterSequence = next };
        }

        Assert.Equal(4, pages);
        Assert.Equal(all.Select(r => r.Id), ids);
    }

    private static TransferQuery Parse(string spec)
    {
        var query = new TransferQuery();
        foreach (var part in spec.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = (part[..part.IndexOf('=', StringComparison.Ordinal)], part[(part.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            query = key switch
            {
                "from" => query with { From = LedgerWithKnownRecords.Minute(Int(value)) },
                "to" => query with { To = LedgerWithKnownRecords.Minute(Int(value)) },
                "decision" => query with { Decision = Enum.Parse<TransferVerdict>(value) },
                "reason" => query with { Reason = Enum.Parse<ReasonCode>(value) },
                "country" => query with { Country = value },
                "client" => query with { Client = value },
                "host" => query with { Host = value },
                "limit" => query with { Limit = Int(value) },
                "offset" => query with { Offset = Int(value) },
                "after" => query with { AfterSequence = (ulong)Int(value) },
                _ => throw new ArgumentException("unknown key " + key, nameof(spec)),
            };
        }

        return query;
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}
