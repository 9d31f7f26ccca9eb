using EgressGuard.WebConsole.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EgressGuard.WebConsole.Security;

/// <summary>
/// Every <c>/api</c> endpoint carries one: no or unknown key → 401 (with <c>WWW-Authenticate</c>),
/// a key whose role is too weak → 403. The caller's key is left in <see cref="HttpContext.Items"/>
/// for handlers that record who made a change.
/// </summary>
internal sealed class RoleFilter(ApiKeyAuthenticator authenticator, ApiRole required, ILogger logger) : IEndpointFilter
{
    internal const string CallerItem = "EgressGuard.ApiKey";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var caller = authenticator.Authenticate(http.Request);
        if (!caller.Authenticated)
        {
            ConsoleLog.Unauthenticated(logger, http.Connection.RemoteIpAddress?.ToString() ?? "?", http.Request.Method, http.Request.Path.Value ?? "/", caller.Problem!);
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"egressguard\"";
            return new ErrorResult(StatusCodes.Status401Unauthorized, caller.Problem!);
        }

        if (!ApiRoles.Allows(caller.Key!.Role, required))
        {
            ConsoleLog.Forbidden(logger, caller.Key.Name, caller.Key.Role.ToString(), http.Request.Method, http.Request.Path.Value ?? "/");
            return new ErrorResult(StatusCodes.Status403Forbidden, $"the key '{caller.Key.Name}' has role {caller.Key.Role}; this needs {required}");
        }

        http.Items[CallerItem] = caller.Key;
        return await next(context);
    }

    public static ApiKey Caller(HttpContext context) => (ApiKey)context.Items[CallerItem]!;

    /// <summary>
    /// The refusal as a result the endpoint executes, so minimal-API handlers with parameters and
    /// plain request delegates end the response the same way.
    /// </summary>
    private sealed class ErrorResult(int status, string message) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => ApiResponses.Error(httpContext, status, message);
    }
}
