namespace EgressGuard.Ledger.Sinks.Syslog;

/// <summary><c>Ledger:Sinks:Syslog</c>: a SIEM's syslog receiver (validated by the appliance's config loader).</summary>
public sealed record SyslogSinkOptions
{
    /// <summary><c>Host</c>: receiver host name or IP address. Required.</summary>
    public required string Host { get; init; }

    /// <summary><c>Port</c>: default 6514 with TLS (RFC 5425), 514 without (RFC 6587).</summary>
    public int Port { get; init; } = 514;

    /// <summary><c>Tls</c>: RFC 5425 TLS; the receiver's certificate must chain to the system store or <see cref="CaFile"/> and match <see cref="ServerName"/>. Default false.</summary>
    public bool Tls { get; init; }

    /// <summary><c>CaFile</c>: PEM file of extra CA certificates trusted for the receiver (besides the system store); null for none.</summary>
    public string? CaFile { get; init; }

    /// <summary><c>ServerName</c>: the name the receiver's certificate must carry; default <see cref="Host"/>.</summary>
    public string? ServerName { get; init; }

    /// <summary><c>Hostname</c>: the RFC 5424 HOSTNAME field; default the machine name.</summary>
    public string? Hostname { get; init; }

    /// <summary><c>Facility</c>: syslog facility 0–23. Default 13 (log audit).</summary>
    public int Facility { get; init; } = 13;

    /// <summary><c>ConnectTimeout</c>: TCP connect plus TLS handshake. Default 10s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Batch size, poll interval, retry delays and backlog alert.</summary>
    public SinkShippingOptions Shipping { get; init; } = new();
}
