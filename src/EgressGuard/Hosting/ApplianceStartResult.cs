namespace EgressGuard.Hosting;

/// <summary>The running appliance, or why it could not start.</summary>
/// <param name="Appliance">The running appliance on success.</param>
/// <param name="Errors">Every start-up error, each one line naming the file or key at fault.</param>
public sealed record ApplianceStartResult(RunningAppliance? Appliance, IReadOnlyList<string> Errors);
