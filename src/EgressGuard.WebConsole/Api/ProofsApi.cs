using System.Globalization;
using System.Text.Json;
using EgressGuard.Ledger.Checkpoints;
using EgressGuard.Ledger.Proofs;
using EgressGuard.Ledger.Storage;
using EgressGuard.WebConsole.Hosting;
using Microsoft.AspNetCore.Http;

namespace EgressGuard.WebConsole.Api;

/// <summary>
/// Ledger proofs, in the file format of <c>egressguard ledger prove</c> (checked offline with
/// <c>egressguard ledger verify --proof FILE --public-key PEM</c>):
/// <c>GET /api/v1/transfers/{id}/proof[?checkpoint=N]</c> — inclusion of one transfer (reference id)
/// or entry (sequence number) in a signed checkpoint (default: the newest);
/// <c>GET /api/v1/ledger/consistency?from=A[&amp;to=B]</c> — checkpoint A's log is a prefix of B's;
/// <c>GET /api/v1/ledger/checkpoints[?from=N&amp;limit=M]</c> — the signed checkpoints (numbers for the two above).
/// </summary>
internal static class ProofsApi
{
    public static async Task Inclusion(HttpContext context, ConsoleData data, string id)
    {
        var errors = new List<string>();
        QueryParameters.CheckKnown(context.Request.Query, ["checkpoint"], errors);
        var checkpoint = Number(context.Request.Query, "checkpoint", errors);
        ulong sequence = 0;
        var byId = Guid.TryParse(id, out var guid);
        if (!byId && !ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out sequence))
        {
            errors.Add($"id: '{id}' is neither a transfer reference id (UUID) nor an entry sequence number");
        }

        if (errors.Count > 0)
        {
            await ApiResponses.Errors(context, StatusCodes.Status400BadRequest, errors);
            return;
        }

        await AnswerAsync(context, data, ProofJson.Write, (ledger, keys) =>
        {
            if (byId)
            {
                if (LedgerProver.FindTransfer(ledger.DataDirectory, guid) is not { } found)
                {
                    return ProofResultFor<InclusionProof>(ProofError.NotFound, $"no transfer with id {guid:D} is stored");
                }

                sequence = found;
            }

            return LedgerProver.ProveInclusion(ledger.DataDirectory, ledger.Origin, keys, sequence, checkpoint);
        });
    }

    public static async Task Consistency(HttpContext context, ConsoleData data)
    {
        var errors = new List<string>();
        QueryParameters.CheckKnown(context.Request.Query, ["from", "to"], errors);
        var from = Number(context.Request.Query, "from", errors);
        var to = Number(context.Request.Query, "to", errors);
        if (from is null && errors.Count == 0)
        {
            errors.Add("from: required (a checkpoint number)");
        }

        if (errors.Count > 0)
        {
            await ApiResponses.Errors(context, StatusCodes.Status400BadRequest, errors);
            return;
        }

        await AnswerAsync(context, data, ProofJson.Write, (ledger, keys) => LedgerProver.ProveConsistency(ledger.DataDirectory, ledger.Origin, keys, from!.Value, to));
    }

    public static async Task Checkpoints(HttpContext context, ConsoleData data)
    {
        var errors = new List<string>();
        QueryParameters.CheckKnown(context.Request.Query, ["from", "limit"], errors);
        var from = Number(context.Request.Query, "from", errors) ?? 0;
        var limit = Number(context.Request.Query, "limit", errors) ?? 100;
        if (limit is < 1 or > 10_000)
        {
            errors.Add("limit: must be 1-10000");
        }

        if (errors.Count > 0)
        {
            await ApiResponses.Errors(context, StatusCodes.Status400BadRequest, errors);
            return;
        }

        if (data.LedgerFiles is not { } ledger)
        {
            await ApiResponses.Error(context, StatusCodes.Status503ServiceUnavailable, "the ledger directory is not known to the console");
            return;
        }

        var list = await Task.Run(
            () => CheckpointList.Read(ledger.DataDirectory, LedgerStoreVerifier.LoadTrustedKeys(ledger.DataDirectory, ledger.Origin, out _), from, (int)limit + 1),
            context.RequestAborted);
        await ApiResponses.Json(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("checkpoints");
            for (var i = 0; i < Math.Min(list.Count, (int)limit); i++)
            {
                CheckpointList.WriteJson(w, list[i], withNote: true);
            }

            w.WriteEndArray();
            if (list.Count > limit)
            {
                w.WriteNumber("nextFrom", list[^1].Stored.Number);
            }
            else
            {
                w.WriteNull("nextFrom");
            }

            w.WriteEndObject();
        });
    }

    // Builds the proof off the request thread (SQLite reads) with the appliance's keys, and answers it or the error.
    private static async Task AnswerAsync<T>(
        HttpContext context, ConsoleData data, Action<Utf8JsonWriter, T> write, Func<LedgerOptions, List<CheckpointPublicKey>, ProofResult<T>> prove)
        where T : class
    {
        if (data.LedgerFiles is not { } ledger)
        {
            await ApiResponses.Error(context, StatusCodes.Status503ServiceUnavailable, "proofs are not available: the ledger directory is not known to the console");
            return;
        }

        var result = await Task.Run(
            () =>
            {
                var keys = LedgerStoreVerifier.LoadTrustedKeys(ledger.DataDirectory, ledger.Origin, out var keyError);
                return keys.Count == 0 ? ProofResultFor<T>(ProofError.HashesUnavailable, keyError ?? "no signing key found") : prove(ledger, keys);
            },
            context.RequestAborted);
        if (result.Proof is { } proof)
        {
            await ApiResponses.Json(context, StatusCodes.Status200OK, w => write(w, proof));
            return;
        }

        await ApiResponses.Error(context, Status(result.Error), $"{result.Error}: {result.Message}");
    }

    private static ProofResult<T> ProofResultFor<T>(ProofError error, string message)
        where T : class => new() { Error = error, Message = message };

    private static int Status(ProofError error) => error switch
    {
        ProofError.NotFound or ProofError.NoSuchCheckpoint => StatusCodes.Status404NotFound,
        ProofError.Purged => StatusCodes.Status410Gone,
        ProofError.NotYetCovered => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static long? Number(IQueryCollection query, string name, List<string> errors)
    {
        if (!query.TryGetValue(name, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return null;
        }

        if (long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        errors.Add($"{name}: '{values[0]}' is not a checkpoint number");
        return null;
    }
}
