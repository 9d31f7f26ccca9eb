using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;
using EgressGuard.Proxy.Flows;
using EgressGuard.Proxy.Responses;
using EgressGuard.Proxy.Telemetry;
using EgressGuard.Proxy.Tls;
using EgressGuard.Proxy.Tunnels;
using Microsoft.AspNetCore.Connections;

namespace EgressGuard.Proxy.Connect;

/// <summary>
/// Kestrel connection middleware in front of the HTTP pipeline. It refuses clients outside
/// <c>Proxy.AllowedClients</c> before reading anything, peeks at the first bytes, and handles a
/// <c>CONNECT</c> itself (bounded head, header timeout, decision, then <c>200</c> and the tunnel);
/// anything else is handed to Kestrel untouched (nothing consumed) for the HTTP path.
/// </summary>
public sealed class ConnectMiddleware
{
    private readonly ConnectionDelegate _next;
    private readonly ProxyServices _services;
    private readonly TlsInterceptor? _tls;
    private int _activeTunnels;

    /// <summary>Creates the middleware; <paramref name="tls"/> null means tunnels are never intercepted.</summary>
    public ConnectMiddleware(ConnectionDelegate next, ProxyServices services, TlsInterceptor? tls = null)
    {
        _next = next;
        _services = services;
        _tls = tls;
    }

    /// <summary>Tunnels open now.</summary>
    public int ActiveTunnels => Volatile.Read(ref _activeTunnels);

    /// <summary>Handles one accepted connection.</summary>
    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var client = (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        if (!_services.Decider.IsClientAllowed(client))
        {
            await RefuseClientAsync(connection, client);
            return;
        }

        var input = connection.Transport.Input;
        using var headerTimeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        headerTimeout.CancelAfter(_services.Settings.HeaderTimeout);
        ConnectHead head;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(headerTimeout.Token);
                var buffer = result.Buffer;
                var isConnect = PeekConnect(buffer);
                if (isConnect == false)
                {
                    // Not ours: leave every byte for Kestrel's HTTP/1.1 parser.
                    input.AdvanceTo(buffer.Start);
                    headerTimeout.Dispose();
                    await _next(connection);
                    return;
                }

                if (isConnect == true)
                {
                    var status = ConnectHeadParser.TryParse(buffer, _services.Settings.MaxHeaderBytes, out head);
                    if (status == ConnectParseStatus.Complete)
                    {
                        input.AdvanceTo(buffer.GetPosition(head.HeadLength));
                        break;
                    }

                    if (status != ConnectParseStatus.Incomplete)
                    {
                        input.AdvanceTo(buffer.End);
                        await RejectHeadAsync(connection, status, head.Error);
                        return;
                    }
                }

                if (result.IsCompleted)
                {
                    input.AdvanceTo(buffer.End);
                    if (!buffer.IsEmpty)
                    {
                        await RejectHeadAsync(connection, ConnectParseStatus.Malformed, "request head ended early");
                    }

                    return;
                }

                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            // Header timeout (a slow or silent client) or the client went away: close without a word.
            _services.Metrics.BadRequest();
            ProxyLog.BadRequestHead(_services.Logger, connection.RemoteEndPoint, "header timeout");
            return;
        }

        await TunnelAsync(connection, client, head);
    }

    private static bool? PeekConnect(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return null;
        }

        Span<byte> start = stackalloc byte[8];
        var n = (int)Math.Min(buffer.Length, start.Length);
        buffer.Slice(0, n).CopyTo(start);
        return ConnectHeadParser.StartsWithConnect(start[..n]);
    }

    private async Task TunnelAsync(ConnectionContext connection, IPAddress client, ConnectHead head)
    {
        var output = connection.Transport.Output;
        var flow = await _services.DecideAsync(client, head.Host, head.Port, tunnel: true, connection.ConnectionClosed);

        // TLS interception: requests inside are decided one by one (with inspection), so a destination
        // that only lacks a record is not refused here; network rules (client, port, private) still are.
        var choice = _tls?.Choose(client, flow.Host) ?? InterceptionChoice.Tunnel;
        var certificate = choice == InterceptionChoice.Intercept && flow.Destination is not null && (flow.Decision.Proceeds || InterceptionGate.DecidedPerRequest(flow.Decision.Reason))
            ? _tls!.CertificateFor(flow.Host)
            : null;
        if (choice is InterceptionChoice.Bypassed or InterceptionChoice.Spliced || (choice == InterceptionChoice.Intercept && certificate is null && flow.Decision.Proceeds))
        {
            flow = flow with { Inspection = choice == InterceptionChoice.Bypassed ? "Bypassed" : "Spliced" };
        }

        if (!flow.Decision.Proceeds && certificate is null)
        {
            var status = flow.Decision.Verdict == TransferVerdict.Failed ? 502 : 403;
            await RefuseAsync(connection, flow, status, status == 403 ? "Forbidden" : "Bad Gateway");
            await _services.RecordAsync(_services.Decider.ToRecord(flow, TransferKind.Tunnel, "CONNECT", status, 0, 0));
            return;
        }

        if (Interlocked.Increment(ref _activeTunnels) > _services.Settings.MaxConcurrentTunnels)
        {
            Interlocked.Decrement(ref _activeTunnels);
            ProxyLog.TunnelCapReached(_services.Logger, _services.Settings.MaxConcurrentTunnels, client, flow.Host, flow.Port);
            var capped = flow with { Decision = flow.Decision with { Verdict = TransferVerdict.Failed, Reason = ReasonCode.TunnelLimitReached } };
            await RefuseAsync(connection, capped, 503, "Service Unavailable");
            await _services.RecordAsync(_services.Decider.ToRecord(capped, TransferKind.Tunnel, "CONNECT", 503, 0, 0));
            return;
        }

        try
        {
            if (certificate is not null)
            {
                _services.Metrics.TunnelOpened();
                await output.WriteAsync(RawResponse.ConnectionEstablished);
                await _tls!.RunAsync(connection, _next, client, flow.Host, flow.Port, certificate, _services.Settings.HeaderTimeout);
                _services.Metrics.TunnelClosed(0, 0);
                return;
            }

            using var origin = new Socket(flow.Destination!.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (!await TryConnectAsync(origin, new IPEndPoint(flow.Destination, flow.Port), connection.ConnectionClosed))
            {
                var failed = flow with { Decision = flow.Decision with { Verdict = TransferVerdict.Failed, Reason = ReasonCode.UpstreamUnreachable } };
                ProxyLog.UpstreamFailed(_services.Logger, flow.Host, flow.Port, flow.Id, "connect failed");
                await RefuseAsync(connection, failed, 502, "Bad Gateway");
                await _services.RecordAsync(_services.Decider.ToRecord(failed, TransferKind.Tunnel, "CONNECT", 502, 0, 0));
                return;
            }

            _services.Metrics.TunnelOpened();
            await output.WriteAsync(RawResponse.ConnectionEstablished);
            var result = await TunnelRelay.RunAsync(connection.Transport, origin, _services.Settings.TunnelIdleTimeout, connection.ConnectionClosed);
            _services.Metrics.TunnelClosed(result.BytesUp, result.BytesDown);
            ProxyLog.TunnelClosed(_services.Logger, flow.Id, result.BytesUp, result.BytesDown, result.CloseReason);
            await _services.RecordAsync(_services.Decider.ToRecord(flow, TransferKind.Tunnel, "CONNECT", 200, result.BytesUp, result.BytesDown));
        }
        finally
        {
            Interlocked.Decrement(ref _activeTunnels);
        }
    }

    private async Task<bool> TryConnectAsync(Socket origin, IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_services.Settings.ConnectTimeout);
        try
        {
            await origin.ConnectAsync(endpoint, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task RefuseAsync(ConnectionContext connection, FlowDecision flow, int status, string phrase)
    {
        try
        {
            await RawResponse.WriteAsync(connection.Transport.Output, status, phrase, BlockPage.RenderText(flow),
            [
                new(ProxyHeaders.Reason, flow.Decision.Reason.ToString()),
                new(ProxyHeaders.Reference, flow.Id.ToString("D")),
            ]);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ConnectionResetException)
        {
            // The client left; the refusal is still recorded by the caller.
        }
    }

    private async Task RefuseClientAsync(ConnectionContext connection, IPAddress client)
    {
        ProxyLog.ClientRefused(_services.Logger, client);
        var flow = _services.Decider.RefuseClient(client);
        await RefuseAsync(connection, flow, 403, "Forbidden");
        await _services.RecordAsync(_services.Decider.ToRecord(flow, TransferKind.Http, null, 403, 0, 0));
    }

    private async Task RejectHeadAsync(ConnectionContext connection, ConnectParseStatus status, string? problem)
    {
        _services.Metrics.BadRequest();
        ProxyLog.BadRequestHead(_services.Logger, connection.RemoteEndPoint, problem ?? status.ToString());
        var (code, phrase, body) = status == ConnectParseStatus.TooLarge
            ? (431, "Request Header Fields Too Large", "request head over the proxy's limit\n")
            : (400, "Bad Request", "bad CONNECT request: " + problem + "\n");
        try
        {
            await RawResponse.WriteAsync(connection.Transport.Output, code, phrase, body);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ConnectionResetException)
        {
        }

        Debug.Assert(code is 400 or 431, "head rejections are client errors");
    }
}
