using EgressGuard.Policy.Decisions;
using EgressGuard.Policy.Tests.Decisions;

namespace EgressGuard.Policy.Tests;

public sealed class PolicyStoreTests
{
    [Fact]
    public void Publish_OneUpdate_AdvancesGenerationAndReplacesCurrent()
    {
        var initial = TestPolicies.Create(EnforcementMode.Monitor, []);
        var store = new PolicyStore(initial);

        var published = store.Publish(s => s with { Mode = EnforcementMode.Enforce });

        Assert.Same(published, store.Current);
        Assert.Equal(1, published.Generation);
        Assert.Equal(EnforcementMode.Enforce, store.Current.Mode);
        Assert.Equal(0, initial.Generation);
        Assert.Equal(EnforcementMode.Monitor, initial.Mode); // the old snapshot is untouched
    }

    [Fact]
    public void Publish_UpdateSetsGeneration_StoreOverridesIt()
    {
        var store = new PolicyStore(TestPolicies.Create(EnforcementMode.Monitor, []) with { Generation = 41 });

        var published = store.Publish(s => s with { Generation = 1000 });

        Assert.Equal(42, published.Generation);
    }

    [Fact]
    public void Publish_RaisesPublishedWithTheNewSnapshot()
    {
        var store = new PolicyStore(TestPolicies.Create(EnforcementMode.Monitor, []));
        var seen = new List<PolicySnapshot>();
        store.Published += seen.Add;

        var first = store.Publish(s => s with { Mode = EnforcementMode.Enforce });
        var second = store.Publish(s => s with { Mode = EnforcementMode.Monitor });

        Assert.Equal([first, second], seen);
        Assert.Equal([1L, 2L], seen.Select(s => s.Generation));
    }

    [Fact]
    public void Publish_ConcurrentPublishers_EveryUpdateLandsAndGenerationEqualsCount()
    {
        const int threads = 4;
        const int perThread = 250;
        var store = new PolicyStore(TestPolicies.Create(EnforcementMode.Monitor, []) with { ConnectPorts = [] });
        var events = 0;
        store.Published += _ => Interlocked.Increment(ref events);
        using var start = new Barrier(threads);

        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var thread = t;
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < perThread; i++)
                {
                    var port = (thread * perThread) + i + 1;
                    store.Publish(s => s with { ConnectPorts = [.. s.ConnectPorts, port] });
                }
            });
            workers[t].Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        var final = store.Current;
        Assert.Equal(threads * perThread, final.Generation);
        Assert.Equal(threads * perThread, Volatile.Read(ref events));
        Assert.Equal(Enumerable.Range(1, threads * perThread), final.ConnectPorts.Order());
    }
}
