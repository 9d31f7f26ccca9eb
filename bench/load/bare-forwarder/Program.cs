// bare-forwarder LISTEN_PORT ORIGIN_URL: absolute-form HTTP requests on 127.0.0.1:LISTEN_PORT are
// forwarded to ORIGIN_URL with IHttpForwarder and a plain SocketsHttpHandler, nothing else. It is
// the floor EgressGuard's per-request CPU is compared with (bench/load/cpu-per-request.sh).
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var origin = args[1];
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders();
builder.Services.AddHttpForwarder();
builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    k.Listen(IPAddress.Loopback, port);
});
var app = builder.Build();
var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    ActivityHeadersPropagator = null,
});
var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
var config = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) };
app.Run(async context => await forwarder.SendAsync(context, origin, invoker, config, HttpTransformer.Default));
await app.RunAsync();
