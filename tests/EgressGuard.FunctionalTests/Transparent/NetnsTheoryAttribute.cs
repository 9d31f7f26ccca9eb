namespace EgressGuard.FunctionalTests.Transparent;

/// <summary>
/// A theory that needs root, <c>ip</c> and <c>nft</c> (network namespaces and nftables); skipped
/// with the reason otherwise. tests/run.sh installs iproute2 and nftables on CI, which runs as root.
/// </summary>
public sealed class NetnsTheoryAttribute : TheoryAttribute
{
    public NetnsTheoryAttribute()
    {
        Skip = WhyNot();
    }

    internal static string? WhyNot()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "needs root on Linux to create network namespaces (run tests/run.sh as root)";
        }

        if (!File.Exists("/usr/sbin/nft") && !File.Exists("/sbin/nft") && !File.Exists("/usr/bin/nft"))
        {
            return "needs nftables (apt-get install nftables; tests/run.sh installs it)";
        }

        if (!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip") && !File.Exists("/bin/ip"))
        {
            return "needs iproute2 (apt-get install iproute2; tests/run.sh installs it)";
        }

        return null;
    }
}
