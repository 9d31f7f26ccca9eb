using System.CommandLine;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Storage;

namespace EgressGuard.Commands;

/// <summary><c>ledger public-key</c> and <c>ledger rotate-key</c>.</summary>
internal static class LedgerKeyCommands
{
    public static Command PublicKey()
    {
        var config = Cli.ConfigOption();
        var output = new Option<string?>("--out") { Description = "Write the PEM to this file instead of stdout" };
        var command = new Command("public-key", "Print the checkpoint verification key (PEM; the verifier key line on stderr). Creates the key if the appliance has not run yet.") { config, output };
        command.SetAction((parse, _) => Cli.Guard(() =>
        {
            var options = LedgerCommandContext.Load(parse.GetValue(config), out var exit);
            if (options is null)
            {
                return Task.FromResult(exit);
            }

            Directory.CreateDirectory(LedgerFiles.Directory(options.DataDirectory));
            var loaded = SigningKeyFile.LoadOrCreate(LedgerFiles.SigningKeyPath(options.DataDirectory), options.Origin);
            if (loaded.Key is not { } key)
            {
                return Task.FromResult(Cli.Fail(loaded.Error!));
            }

            using (key)
            {
                var pem = key.PublicKey.ExportPem() + "\n";
                if (parse.GetValue(output) is { } file)
                {
                    File.WriteAllText(file, pem);
                }
                else
                {
                    Console.Out.Write(pem);
                }

                Console.Error.WriteLine("verifier key: " + key.PublicKey.ToVerifierKey());
            }

            return Task.FromResult(0);
        }));
        return command;
    }

    public static Command RotateKey()
    {
        var config = Cli.ConfigOption();
        var command = new Command("rotate-key", "Replace the checkpoint signing key; the rotation is itself a ledger entry, signed by the old and the new key. Run while the appliance is stopped.") { config };
        command.SetAction((parse, _) => Cli.Guard(async () =>
        {
            var options = LedgerCommandContext.Load(parse.GetValue(config), out var exit);
            if (options is null)
            {
                return exit;
            }

            var opened = MerkleTransferLedger.Open(options);
            if (opened.Ledger is not { } ledger)
            {
                return Cli.Fail(opened.Error!);
            }

            await using (ledger)
            {
                if (ledger.TailError is { } tail)
                {
                    return Cli.Fail("the ledger tail does not verify; not rotating: " + tail);
                }

                var old = ledger.PublicKey.ToString();
                if (await ledger.RotateKeyAsync() is { } error)
                {
                    return Cli.Fail(error);
                }

                Console.Out.WriteLine($"rotated {old} -> {ledger.PublicKey}");
                Console.Out.WriteLine("verifier key: " + ledger.PublicKey.ToVerifierKey());
            }

            return 0;
        }));
        return command;
    }
}
