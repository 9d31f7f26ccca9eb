using EgressGuard.Commands;

return await Cli.RunAsync(args);
