using System.Globalization;
using System.Net;
using System.Text.Json;
using EgressGuard.Ledger.Storage;
using Microsoft.AspNetCore.Http;

namespace EgressGuard.Proxy.Forwarding;

/// <summary>
/// What the proxy answers about itself (origin-form requests): <c>/healthz</c> for monitoring and
/// <c>/proxy.pac</c> for browser auto-configuration. Anything else gets 404.
/// </summary>
public sealed class OriginFormEndpoints
{
    private readonly ProxyServices _services;

    /// <summary>Creates the endpoints.</summary>
    public OriginFormEndpoints(ProxyServices services)
    {
        _services = services;
    }

    /// <summary>Answers one origin-form request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, HEAD";
            return;
        }

        switch (path)
        {
            case "/healthz":
                await WriteHealthAsync(context);
                break;
            case "/proxy.pac":
            case "/wpad.dat":
                await WritePacAsync(context);
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("This is the EgressGuard forward proxy. Configure it as your HTTP proxy, or fetch /proxy.pac.\n");
                break;
        }
    }

    private async Task WriteHealthAsync(HttpContext context)
    {
        var policy = _services.Decider.Policy.Current;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", "ok");
        json.WriteString("mode", policy.Mode.ToString());
        json.WriteNumber("policyGeneration", policy.Generation);
        json.WriteNumber("assessments", policy.Assessments.Records.Count);
        json.WriteString("geoDatabaseBuild", _services.Decider.GeoDatabaseBuild);
        json.WriteBoolean("ledgerAvailable", _services.Ledger.IsAvailable);
        if (_services.Ledger is MerkleTransferLedger merkle)
        {
            json.WriteNumber("ledgerBacklog", merkle.Backlog);
        }

        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    private static async Task WritePacAsync(HttpContext context)
    {
        // The address this client reached us at; taken from the socket, not the Host header, so a
        // client cannot inject script into the PAC file.
        var local = context.Connection.LocalIpAddress ?? IPAddress.Loopback;
        if (local.IsIPv4MappedToIPv6)
        {
            local = local.MapToIPv4();
        }

        var address = local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[" + local + "]" : local.ToString();
        var proxy = address + ":" + context.Connection.LocalPort.ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/x-ns-proxy-autoconfig";
        context.Response.Headers.CacheControl = "max-age=300";
        // No "; DIRECT" fallback: if the proxy is down, traffic must not leave unchecked.
        await context.Response.WriteAsync(
            "function FindProxyForURL(url, host) {\n" +
            "  if (isPlainHostName(host) || host === \"localhost\" || shExpMatch(host, \"127.*\") || host === \"::1\") {\n" +
            "    return \"DIRECT\";\n" +
            "  }\n" +
            "  return \"PROXY " + proxy + "\";\n" +
            "}\n");
    }
}
