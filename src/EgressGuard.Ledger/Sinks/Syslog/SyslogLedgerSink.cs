using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EgressGuard.Ledger.Canonical;
using Microsoft.Extensions.Logging;

namespace EgressGuard.Ledger.Sinks.Syslog;

/// <summary>
/// Ships one RFC 5424 message with a CEF payload per transfer entry to a syslog receiver over TCP
/// (octet counting, RFC 6587) or TLS (RFC 5425). Other entry kinds and checkpoints advance the cursor
/// without a message. Delivery is at least once from the local cursor: syslog has no acknowledgement,
/// so a batch the kernel accepted just before the receiver died can be lost in its socket buffer (the
/// sink checks the connection is still open before each batch, which narrows but cannot close that
/// window; RELP would). Nothing is ever dropped on this side: an unreachable receiver stops the cursor
/// and the ledger is the backlog.
/// </summary>
internal sealed class SyslogLedgerSink : LedgerSinkBase
{
    private readonly SyslogSinkOptions _options;
    private readonly SyslogMessageFormatter _formatter;
    private readonly MemoryStream _buffer = new();
    private TcpClient? _client;
    private Stream? _stream;

    public SyslogLedgerSink(ILedgerFeed feed, SyslogSinkOptions options, string cursorPath, ILoggerFactory loggerFactory, IMeterFactory meterFactory, TimeProvider? time = null)
        : base("syslog", feed, cursorPath, options.Shipping, loggerFactory, meterFactory, time)
    {
        _options = options;
        var version = typeof(SyslogLedgerSink).Assembly.GetName().Version;
        _formatter = new SyslogMessageFormatter(options.Facility, options.Hostname ?? Environment.MachineName, feed.Origin, Environment.ProcessId, version is null ? "1.0" : version.ToString(3));
        Destination = string.Create(CultureInfo.InvariantCulture, $"{(options.Tls ? "syslog-tls" : "syslog-tcp")}://{options.Host}:{options.Port}");
    }

    /// <inheritdoc />
    protected override string Destination { get; }

    /// <inheritdoc />
    protected override async Task<SinkConnectResult> ConnectAsync(SinkCursor local, CancellationToken cancellationToken)
    {
        X509Certificate2Collection? authorities = null;
        if (_options.Tls && _options.CaFile is not null)
        {
            authorities = new X509Certificate2Collection();
            try
            {
                authorities.ImportFromPemFile(_options.CaFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                return SinkConnectResult.Failed($"Ledger:Sinks:Syslog:CaFile '{_options.CaFile}': {e.Message}");
            }
        }

        var client = new TcpClient { NoDelay = false };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            await client.ConnectAsync(_options.Host, _options.Port, timeout.Token);
            Stream stream = client.GetStream();
            if (_options.Tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = _options.ServerName ?? _options.Host,
                        RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(certificate, chain, errors, authorities),
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    },
                    timeout.Token);
                stream = ssl;
            }

            _client = client;
            _stream = stream;
            return new SinkConnectResult(local, null);
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            var reason = e is OperationCanceledException ? "timed out after " + _options.ConnectTimeout.ToString() : e.Message;
            return SinkConnectResult.Failed($"{Destination}: {reason}");
        }
    }

    /// <inheritdoc />
    protected override async Task<string?> DeliverAsync(SinkCursor from, IReadOnlyList<FeedEntry> entries, IReadOnlyList<FeedCheckpoint> checkpoints, SinkCursor to, CancellationToken cancellationToken)
    {
        if (_client is null || _stream is null)
        {
            return "not connected";
        }

        // A receiver never sends anything: a readable socket means it closed (or reset) the connection.
        // Checking before writing keeps a whole batch from vanishing into a dead connection.
        var socket = _client.Client;
        if (socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0)
        {
            return Destination + ": the receiver closed the connection";
        }

        _buffer.SetLength(0);
        foreach (var entry in entries)
        {
            if (entry.Entry.Kind == LedgerEntryKind.Transfer && entry.Entry.Transfer is { } transfer)
            {
                _formatter.WriteFrame(_buffer, transfer, entry.Sequence);
            }
        }

        if (_buffer.Length == 0)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout * 3);
        try
        {
            await _stream.WriteAsync(_buffer.GetBuffer().AsMemory(0, (int)_buffer.Length), timeout.Token);
            await _stream.FlushAsync(timeout.Token);
            return null;
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"{Destination}: {(e is OperationCanceledException ? "write timed out" : e.Message)}";
        }
    }

    /// <inheritdoc />
    protected override async ValueTask DisconnectAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
            _stream = null;
        }

        _client?.Dispose();
        _client = null;
    }

    /// <summary>The system store's verdict, or — when only the chain failed — a chain to the configured CA file; the name must always match.</summary>
    private static bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection? authorities)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || authorities is null || authorities.Count == 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(authorities);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }
}
