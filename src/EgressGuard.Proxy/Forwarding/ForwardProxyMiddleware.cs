using System.Net;
using EgressGuard.Inspection;
using EgressGuard.Ledger.Records;
using EgressGuard.Policy.Decisions;
using EgressGuard.Proxy.Flows;
using EgressGuard.Proxy.Inspection;
using EgressGuard.Proxy.Responses;
using EgressGuard.Proxy.Telemetry;
using EgressGuard.Proxy.Tls;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace EgressGuard.Proxy.Forwarding;

/// <summary>
/// The HTTP side of the explicit proxy (terminal middleware). Absolute-form requests
/// (<c>GET http://host/path</c>) are decided and forwarded with YARP's <see cref="IHttpForwarder"/>;
/// origin-form requests to the proxy itself get <c>/healthz</c> and <c>/proxy.pac</c>.
/// </summary>
public sealed class ForwardProxyMiddleware
{
    private readonly ProxyServices _services;
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _upstream;
    private readonly ForwarderRequestConfig _requestConfig;
    private readonly Func<HttpContext, Task> _originForm;
    private readonly IPiiScanner? _scanner;

    /// <summary>Creates the middleware; <paramref name="scanner"/> null disables content inspection.</summary>
    public ForwardProxyMiddleware(ProxyServices services, IHttpForwarder forwarder, HttpMessageInvoker upstream, Func<HttpContext, Task> originForm, IPiiScanner? scanner)
    {
        _services = services;
        _scanner = scanner;
        _forwarder = forwarder;
        _upstream = upstream;
        _originForm = originForm;
        _requestConfig = new ForwarderRequestConfig
        {
            ActivityTimeout = services.Settings.UpstreamActivityTimeout,
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
    }

    /// <summary>Handles one request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        var intercepted = context.Features.Get<InterceptedTlsFeature>();
        var transparent = context.Features.Get<Transparent.TransparentHttpFeature>();
        if (rawTarget.StartsWith('/') && intercepted is null && transparent is null)
        {
            await _originForm(context);
            return;
        }

        if (HttpMethods.IsConnect(context.Request.Method) && intercepted is null)
        {
            await WritePlainAsync(context, 400, "CONNECT must be the first request on a new connection\n");
            return;
        }

        string host, authority, problem;
        int port;
        if (transparent is not null)
        {
            // Redirected plain HTTP: the Host header names the site, the original destination is what is dialled.
            (host, port, authority) = transparent.Target(context.Request);
        }
        else if (intercepted is not null)
        {
            // A request inside an intercepted tunnel may only reach the host its CONNECT named.
            if (!InterceptedRequest.TryGetTarget(intercepted, context.Request, out host, out port, out authority, out problem))
            {
                _services.Metrics.BadRequest();
                await WritePlainAsync(context, StatusCodes.Status421MisdirectedRequest, problem + "\n");
                return;
            }
        }
        else if (!TryParseTarget(rawTarget, out host, out port, out authority, out problem))
        {
            _services.Metrics.BadRequest();
            await WritePlainAsync(context, 400, problem + "\n");
            return;
        }

        var client = context.Connection.RemoteIpAddress ?? IPAddress.None;
        var aborted = context.RequestAborted;
        var flow = await _services.DecideAsync(client, host, port, tunnel: false, aborted, transparent?.Destination ?? intercepted?.Destination);

        var inspect = _services.Settings.InspectionEnabled && _scanner is not null && flow.Decision.Outbound && IsContentDependent(flow.Decision.Reason);
        RequestInspection? inspection = null;
        FlowDecision? destinationOnly = null;
        if (inspect)
        {
            try
            {
                inspection = await RequestInspection.StartAsync(context, _scanner!, _services.Settings.MaxHoldBytes, aborted);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // The client went away or sent a malformed body (bad chunking) before the hold window
                // filled: nothing was forwarded, so there is no transfer to record.
                if (!aborted.IsCancellationRequested && !context.Response.HasStarted)
                {
                    await WritePlainAsync(context, StatusCodes.Status400BadRequest, "malformed request body\n");
                }

                return;
            }

            destinationOnly = flow;
            flow = _services.Decider.Redecide(destinationOnly, inspection.Findings, inspection.State);
        }

        // Forwarding stays in this method (not a helper awaited from here): one async state machine
        // per request instead of two.
        try
        {
            if (!flow.Decision.Proceeds)
            {
                await RefuseAsync(context, flow);
                return;
            }

            if (inspection is not null)
            {
                // The late-finding check is only built when the body streams on past the hold window
                // (a capturing lambda here would allocate its closure on every request, GETs included).
                context.Request.Body = inspection.BodyComplete
                    ? inspection.BodyForForwarding(context.Request.Body, null)
                    : inspection.BodyForForwarding(context.Request.Body, new LateFindingCheck(_services.Decider, destinationOnly!, inspection).ShouldStop);
            }

            var requestBody = new CountingStream(context.Request.Body);
            var responseBody = new CountingStream(context.Response.Body);
            context.Request.Body = requestBody;
            context.Response.Body = responseBody;
            context.Features.Set(new ForwardState(authority));

            var destinationPrefix = DestinationPrefix.For(flow.Destination!, flow.Port, https: intercepted is not null);
            var error = await _forwarder.SendAsync(context, destinationPrefix, _upstream, _requestConfig, ForwardTransformer.Instance);
            if (error != ForwarderError.None && InterceptedRequest.IsUpstreamCertificateFailure(context))
            {
                // Never trusted silently: the upstream's certificate did not validate, so nothing was sent.
                flow = flow with { Decision = flow.Decision with { Verdict = TransferVerdict.Block, Reason = ReasonCode.UpstreamCertificateInvalid } };
                if (!context.Response.HasStarted)
                {
                    context.Response.Clear();
                    await WriteBlockPageAsync(context, flow, StatusCodes.Status403Forbidden);
                }

                await _services.RecordAsync(_services.Decider.ToRecord(flow, TransferKind.Http, context.Request.Method, StatusCodes.Status403Forbidden, 0, 0));
                return;
            }

            if (inspection is not null)
            {
                // The streamed part of the body may have added findings: the record carries the final decision.
                flow = _services.Decider.Redecide(destinationOnly!, inspection.Findings, inspection.State);
                if (inspection.Stopped && !context.Response.HasStarted)
                {
                    context.Response.Clear();
                    await WriteBlockPageAsync(context, flow, StatusCodes.Status403Forbidden);
                }
            }

            var record = _services.Decider.ToRecord(flow, TransferKind.Http, context.Request.Method, context.Response.StatusCode, requestBody.BytesRead, responseBody.BytesWritten);
            if (error != ForwarderError.None && inspection?.Stopped != true)
            {
                ProxyLog.UpstreamFailed(_services.Logger, flow.Host, flow.Port, flow.Id, error.ToString());
                if (error is ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.NoAvailableDestinations)
                {
                    record = record with { Decision = TransferVerdict.Failed, Reason = ReasonCode.UpstreamUnreachable };
                }
            }

            await _services.RecordAsync(record);
        }
        finally
        {
            inspection?.Dispose();
        }
    }

    /// <summary>Reasons that depend on what is sent (so inspection can change them), as opposed to network rules.</summary>
    private static bool IsContentDependent(ReasonCode reason) =>
        reason is ReasonCode.NoAssessment or ReasonCode.AssessmentExpired or ReasonCode.AssessmentNotYetValid or ReasonCode.CoveredByAssessment
            or ReasonCode.AssessmentRevoked;

    private async Task RefuseAsync(HttpContext context, FlowDecision flow)
    {
        var status = flow.Decision.Verdict == TransferVerdict.Failed ? StatusCodes.Status502BadGateway : StatusCodes.Status403Forbidden;
        await WriteBlockPageAsync(context, flow, status);
        await _services.RecordAsync(_services.Decider.ToRecord(flow, TransferKind.Http, context.Request.Method, status, 0, 0));
    }

    /// <summary>
    /// Parses an absolute-form target. Only <c>http</c> is forwarded (HTTPS goes through CONNECT);
    /// user-info in the URI is refused (it is a credential-leak and spoofing vector).
    /// </summary>
    internal static bool TryParseTarget(string rawTarget, out string host, out int port, out string authority, out string problem)
    {
        problem = string.Empty;
        if (AbsoluteTarget.TryParseSimple(rawTarget, out host, out port, out authority))
        {
            return true;
        }

        return TryParseTargetWithUri(rawTarget, out host, out port, out authority, out problem);
    }

    /// <summary>Every target the fast path does not take (IDN, IPv6, user-info, upper case, odd IPv4 forms…): <see cref="Uri"/> decides.</summary>
    internal static bool TryParseTargetWithUri(string rawTarget, out string host, out int port, out string authority, out string problem)
    {
        host = authority = problem = string.Empty;
        port = 0;
        if (!Uri.TryCreate(rawTarget, UriKind.Absolute, out var uri))
        {
            problem = "bad request target: absolute-form http:// URL expected";
            return false;
        }

        if (!string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal))
        {
            problem = string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal)
                ? "https:// targets must use CONNECT"
                : "unsupported scheme '" + uri.Scheme + "' (only http:// is forwarded; use CONNECT for TLS)";
            return false;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            problem = "user-info in the request target is refused";
            return false;
        }

        host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.IdnHost;
        port = uri.Port;
        authority = uri.IsDefaultPort ? uri.Host : uri.Authority;
        if (host.Length == 0 || port is < 1 or > 65535)
        {
            problem = "bad host or port in request target";
            return false;
        }

        return true;
    }

    private static async Task WriteBlockPageAsync(HttpContext context, FlowDecision flow, int status)
    {
        var body = BlockPage.Render(flow, status);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = body.Length;
        context.Response.Headers[ProxyHeaders.Reason] = flow.Decision.Reason.ToString();
        context.Response.Headers[ProxyHeaders.Reference] = flow.Id.ToString("D");
        if (BlockPage.FindingTypes(flow) is { } types)
        {
            context.Response.Headers[ProxyHeaders.Findings] = types;
        }

        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static Task WritePlainAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
