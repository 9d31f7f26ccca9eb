using System.Net;
using System.Net.Sockets;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;
using EgressGuard.Proxy.Tls;
using EgressGuard.Proxy.Tls.ClientHello;
using EgressGuard.Proxy.Tunnels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace EgressGuard.Proxy.Transparent;

/// <summary>
/// Kestrel connection middleware of the transparent listener: connections the firewall redirected
/// (nftables <c>redirect</c> or <c>tproxy</c>) from clients that know nothing of a proxy. It finds
/// the original destination, peeks at the first bytes without consuming them, and then:
/// TLS → the ClientHello's SNI names the site (checked against the original address by the
/// decider), and the flow is intercepted or spliced by the same policy as a <c>CONNECT</c>;
/// anything else → Kestrel's HTTP pipeline, where the Host header names the site and only the
/// original address is dialled.
/// </summary>
public sealed class TransparentMiddleware
{
    private readonly ConnectionDelegate _next;
    private readonly ProxyServices _services;
    private readonly TransparentSettings _settings;
    private readonly TlsInterceptor? _tls;

    /// <summary>Creates the middleware.</summary>
    public TransparentMiddleware(ConnectionDelegate next, ProxyServices services, TransparentSettings settings, TlsInterceptor? tls)
    {
        _next = next;
        _services = services;
        _settings = settings;
        _tls = tls;
    }

    /// <summary>Handles one redirected connection.</summary>
    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var client = (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        if (!_services.Decider.IsClientAllowed(client))
        {
            var refused = _services.Decider.RefuseClient(client);
            await _services.RecordAsync(_services.Decider.ToRecord(refused, TransferKind.Tunnel, null, 0, 0, 0));
            return;
        }

        var original = Original(connection);
        if (original is null)
        {
            // Connected straight to the listener (no redirect): there is no destination to reach.
            TransparentLog.NoOriginalDestination(_services.Logger, client, connection.LocalEndPoint);
            return;
        }

        var peeked = await PeekAsync(connection);
        if (peeked.Status == ClientHelloStatus.NotTls)
        {
            connection.Features.Set(new TransparentHttpFeature(original));
            await _next(connection);
            return;
        }

        if (peeked.Status != ClientHelloStatus.Complete && peeked.Status != ClientHelloStatus.Malformed && peeked.Status != ClientHelloStatus.TooLarge)
        {
            return; // silent or slow client: closed after the header timeout
        }

        await TlsAsync(connection, client, original, peeked);
    }

    private IPEndPoint? Original(ConnectionContext connection)
    {
        var local = connection.LocalEndPoint as IPEndPoint;
        IPEndPoint? original;
        if (_settings.Mode == TransparentMode.TProxy)
        {
            original = local;
        }
        else
        {
            var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
            original = socket is null ? null : OriginalDestination.FromRedirect(socket);
        }

        if (original is null || (local is not null && original.Equals(local) && _settings.Mode == TransparentMode.Redirect))
        {
            return null;
        }

        return original.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(original.Address.MapToIPv4(), original.Port) : original;
    }

    /// <summary>Reads until the first bytes say TLS-or-not (and, for TLS, the whole ClientHello); consumes nothing.</summary>
    private async Task<ClientHelloInfo> PeekAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        timeout.CancelAfter(_services.Settings.HeaderTimeout);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token);
                var info = ClientHelloParser.Parse(result.Buffer);
                if (info.Status != ClientHelloStatus.Incomplete || result.IsCompleted || result.Buffer.Length > ClientHelloParser.MaxHelloBytes + 1024)
                {
                    input.AdvanceTo(result.Buffer.Start);
                    return info.Status == ClientHelloStatus.Incomplete && !result.Buffer.IsEmpty ? ClientHelloInfo.Of(ClientHelloStatus.Malformed) : info;
                }

                input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            return ClientHelloInfo.Of(ClientHelloStatus.Incomplete);
        }
    }

    private async Task TlsAsync(ConnectionContext connection, IPAddress client, IPEndPoint original, ClientHelloInfo hello)
    {
        var named = hello.Status == ClientHelloStatus.Complete && hello.ServerName is not null;
        var host = named ? hello.ServerName! : original.Address.ToString();
        var flow = await _services.DecideAsync(client, host, original.Port, tunnel: true, connection.ConnectionClosed, original.Address);

        // Interception needs a name the decider verified against the address, and no ECH (the real name is hidden).
        var choice = _tls is null ? InterceptionChoice.Tunnel : _tls.Choose(client, flow.Host);
        var certificate = choice == InterceptionChoice.Intercept && named && !hello.EncryptedClientHello && flow.Host == host
            && (flow.Decision.Proceeds || InterceptionGate.DecidedPerRequest(flow.Decision.Reason))
            ? _tls!.CertificateFor(flow.Host)
            : null;
        if (certificate is not null)
        {
            await _tls!.RunAsync(connection, _next, client, flow.Host, original.Port, certificate, _services.Settings.HeaderTimeout, original.Address);
            return;
        }

        var label = hello.EncryptedClientHello || hello.Status != ClientHelloStatus.Complete ? "Uninspectable"
            : choice == InterceptionChoice.Bypassed ? "Bypassed"
            : choice == InterceptionChoice.Tunnel ? null : "Spliced";
        flow = flow with { Inspection = label };
        if (!flow.Decision.Proceeds)
        {
            // A TLS client cannot be shown a page before its handshake: the connection is closed, and recorded.
            await _services.RecordAsync(_services.Decider.ToRecord(flow, TransferKind.Tunnel, null, 0, 0, 0));
            return;
        }

        using var origin = new Socket(original.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            timeout.CancelAfter(_services.Settings.ConnectTimeout);
            try
            {
                await origin.ConnectAsync(original, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                var failed = flow with { Decision = flow.Decision with { Verdict = TransferVerdict.Failed, Reason = ReasonCode.UpstreamUnreachable } };
                await _services.RecordAsync(_services.Decider.ToRecord(failed, TransferKind.Tunnel, null, 0, 0, 0));
                return;
            }
        }

        _services.Metrics.TunnelOpened();
        var result = await TunnelRelay.RunAsync(connection.Transport, origin, _services.Settings.TunnelIdleTimeout, connection.ConnectionClosed);
        _services.Metrics.TunnelClosed(result.BytesUp, result.BytesDown);
        await _services.RecordAsync(_services.Decider.ToRecord(flow, TransferKind.Tunnel, null, 200, result.BytesUp, result.BytesDown));
    }
}
