namespace EgressGuard.Ledger.Tests.Sinks;

/// <summary>A fact skipped, saying why, only when rsyslog (or, with <see cref="Tls"/>, its TLS driver) is not installed.</summary>
public sealed class RsyslogFactAttribute : FactAttribute
{
    private bool _tls;

    public RsyslogFactAttribute()
    {
        Skip = RsyslogReceiver.Unavailable;
    }

    /// <summary>Whether the test needs rsyslog's TLS driver.</summary>
    public bool Tls
    {
        get => _tls;
        set
        {
            _tls = value;
            Skip = value ? RsyslogReceiver.TlsUnavailable : RsyslogReceiver.Unavailable;
        }
    }
}
