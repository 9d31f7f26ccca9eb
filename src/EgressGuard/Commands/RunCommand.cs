using System.CommandLine;
using EgressGuard.Configuration;
using EgressGuard.Hosting;

namespace EgressGuard.Commands;

/// <summary><c>egressguard run [--config FILE]</c>: the appliance.</summary>
public static class RunCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var config = Cli.ConfigOption();
        var command = new Command("run", "Run the appliance (explicit proxy). Without --config: proxy on 127.0.0.1:3128, data under ./data, the bundled country database, Monitor mode.")
        {
            config,
        };
        command.SetAction((parse, cancellationToken) => Cli.Guard(async () =>
        {
            var loaded = ConfigLoader.Load(parse.GetValue(config));
            if (!loaded.Succeeded)
            {
                return Cli.Fail(loaded.Errors);
            }

            var started = await Appliance.StartAsync(loaded.Settings!, cancellationToken: cancellationToken);
            if (started.Appliance is not { } appliance)
            {
                return Cli.Fail(started.Errors);
            }

            await using (appliance)
            {
                await appliance.WaitForShutdownAsync(CancellationToken.None);
            }

            return 0;
        }));
        return command;
    }
}
