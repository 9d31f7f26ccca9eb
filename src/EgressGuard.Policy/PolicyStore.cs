namespace EgressGuard.Policy;

/// <summary>Holds the current <see cref="PolicySnapshot"/>; publishing is one atomic reference swap.</summary>
public sealed class PolicyStore
{
    private PolicySnapshot _current;

    /// <summary>Starts with <paramref name="initial"/>.</summary>
    public PolicyStore(PolicySnapshot initial)
    {
        _current = initial;
    }

    /// <summary>Raised after a new snapshot is published (on the publishing thread).</summary>
    public event Action<PolicySnapshot>? Published;

    /// <summary>The snapshot in force. Read it once per flow.</summary>
    public PolicySnapshot Current => Volatile.Read(ref _current);

    /// <summary>Replaces the snapshot; the generation is advanced automatically.</summary>
    public PolicySnapshot Publish(Func<PolicySnapshot, PolicySnapshot> update)
    {
        while (true)
        {
            var old = Current;
            var next = update(old) with { Generation = old.Generation + 1 };
            if (ReferenceEquals(Interlocked.CompareExchange(ref _current, next, old), old))
            {
                Published?.Invoke(next);
                return next;
            }
        }
    }
}
