using System.Collections.Concurrent;
using System.Net;

namespace EgressGuard.Proxy.Tls;

/// <summary>
/// Remembers (client, host) pairs whose client refused the minted certificate, for a fixed time, so
/// the next connection is spliced instead of broken again (pinned apps). Bounded: at capacity,
/// expired entries are swept and, if still full, new failures are not remembered (counted by the
/// caller's metric) rather than growing without limit under a flood of failing handshakes.
/// </summary>
public sealed class HandshakeFailureMemory
{
    private readonly ConcurrentDictionary<(IPAddress Client, string Host), long> _until = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _duration;
    private readonly int _capacity;

    /// <summary>Creates an empty memory.</summary>
    public HandshakeFailureMemory(TimeProvider time, TimeSpan duration, int capacity)
    {
        _time = time;
        _duration = duration;
        _capacity = capacity;
    }

    /// <summary>Pairs remembered now (expired ones included until the next sweep).</summary>
    public int Count => _until.Count;

    /// <summary>Remembers a failure; false when the memory is full.</summary>
    public bool Remember(IPAddress client, string host)
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (_until.Count >= _capacity)
        {
            foreach (var entry in _until)
            {
                if (entry.Value <= now)
                {
                    _until.TryRemove(entry);
                }
            }

            if (_until.Count >= _capacity)
            {
                return false;
            }
        }

        _until[(client, host)] = now + _duration.Ticks;
        return true;
    }

    /// <summary>Whether the pair failed within the splice period.</summary>
    public bool IsRemembered(IPAddress client, string host)
    {
        if (_until.IsEmpty || !_until.TryGetValue((client, host), out var until))
        {
            return false;
        }

        if (until > _time.GetUtcNow().UtcTicks)
        {
            return true;
        }

        _until.TryRemove(new KeyValuePair<(IPAddress, string), long>((client, host), until));
        return false;
    }
}
