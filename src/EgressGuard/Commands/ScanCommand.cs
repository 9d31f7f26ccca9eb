using System.CommandLine;
using System.Security.Cryptography;
using EgressGuard.Configuration;
using EgressGuard.Hosting;
using EgressGuard.Inspection;

namespace EgressGuard.Commands;

/// <summary>
/// <c>egressguard scan [--content-type T] [--content-encoding E] FILE…|-</c>: the inline scanner on
/// files, one JSON object per finding on stdout. Files are streamed in chunks (bounded memory).
/// With <c>--config</c>, fingerprints use the appliance key (comparable with the ledger);
/// without, a throw-away key.
/// </summary>
public static class ScanCommand
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Description = "Files to scan; - for standard input", Arity = ArgumentArity.OneOrMore };
        var contentType = new Option<string?>("--content-type") { Description = "Media type, e.g. application/json, application/x-www-form-urlencoded; charset=GBK, multipart/form-data; boundary=…" };
        var contentEncoding = new Option<string?>("--content-encoding") { Description = "gzip, deflate or br" };
        var config = Cli.ConfigOption();
        var command = new Command("scan", "Scan payloads for personal information; prints one JSON object per finding (source, type, start, length, personal, sensitive, validated, masked…). Exit 0 when the scan ran.")
        {
            files, contentType, contentEncoding, config,
        };
        command.SetAction((parse, cancellationToken) => Cli.Guard(async () =>
        {
            var key = RandomNumberGenerator.GetBytes(32);
            if (parse.GetValue(config) is { } configFile)
            {
                var loaded = ConfigLoader.Load(configFile);
                if (!loaded.Succeeded)
                {
                    return Cli.Fail(loaded.Errors);
                }

                key = ApplianceSecrets.LoadOrCreateFingerprintKey(loaded.Settings!.DataDirectory, out var keyError) ?? throw new IOException(keyError);
            }

            var scanner = new PiiScanner(new ScannerOptions { FingerprintKey = key });
            var descriptor = new ContentDescriptor(parse.GetValue(contentType), parse.GetValue(contentEncoding), "body");
            var exit = 0;
            await using var stdout = Console.OpenStandardOutput();
            foreach (var file in parse.GetValue(files)!)
            {
                Stream input;
                try
                {
                    input = file == "-" ? Console.OpenStandardInput() : File.OpenRead(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    exit = Cli.Fail($"{file}: {e.Message}");
                    continue;
                }

                await using (input)
                using (var scan = scanner.BeginStream(descriptor))
                {
                    var buffer = new byte[ChunkBytes];
                    int read;
                    while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        scan.Write(buffer.AsSpan(0, read));
                    }

                    var result = scan.Complete();
                    ScanReport.WriteJsonLines(stdout, file, result);
                    if (result.Status is not (DecodeStatus.Ok or DecodeStatus.NotScanned))
                    {
                        Console.Error.WriteLine($"egressguard: {file}: scanned partially ({result.Status})");
                    }
                }
            }

            return exit;
        }));
        return command;
    }
}
