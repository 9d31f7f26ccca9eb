using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace EgressGuard.WebConsole.Hosting;

/// <summary>Reads back where a started Kestrel host listens (the proxy's and the console's).</summary>
public static class HostEndpoints
{
    /// <summary>The endpoints a started host is bound to (actual ports when 0 was asked for).</summary>
    public static List<IPEndPoint> Bound(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var endpoints = new List<IPEndPoint>();
        foreach (var address in addresses)
        {
            var uri = new Uri(address);
            if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip))
            {
                endpoints.Add(new IPEndPoint(ip, uri.Port));
            }
        }

        return endpoints;
    }
}
