using System.Net.Http.Headers;
using EgressGuard.FunctionalTests.Infrastructure;
using EgressGuard.WebConsole.Security;

namespace EgressGuard.FunctionalTests.Api;

/// <summary>Two API keys (an auditor's and an admin's) configured into a test appliance, and clients that send them.</summary>
internal static class ApiKeys
{
    public static readonly string Auditor = ApiKey.NewSecret();
    public static readonly string Admin = ApiKey.NewSecret();

    public static void Configure(Dictionary<string, string?> config)
    {
        config["Console:ApiKeys:0:Name"] = "audit-team";
        config["Console:ApiKeys:0:Role"] = "auditor";
        config["Console:ApiKeys:0:Sha256"] = Convert.ToHexString(ApiKey.Hash(Auditor));
        config["Console:ApiKeys:1:Name"] = "netadmin";
        config["Console:ApiKeys:1:Role"] = "admin";
        config["Console:ApiKeys:1:Sha256"] = "sha256:" + Convert.ToHexStringLower(ApiKey.Hash(Admin));
    }

    public static HttpClient Client(ApplianceUnderTest box, string? key)
    {
        var client = new HttpClient { BaseAddress = new Uri(box.ConsoleUrl) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }
}
