using System.Net;
using EgressGuard.Policy.Networks;

namespace EgressGuard.Policy.Tests.Networks;

public sealed class AddressClassifierTests
{
    [Theory]
    // Public unicast, both families.
    [InlineData("8.8.8.8", AddressClass.Public)]
    [InlineData("1.1.1.1", AddressClass.Public)]
    [InlineData("223.5.5.5", AddressClass.Public)]
    [InlineData("2001:4860:4860::8888", AddressClass.Public)]
    [InlineData("2400:3200::1", AddressClass.Public)]
    // Loopback.
    [InlineData("127.0.0.1", AddressClass.Loopback)]
    [InlineData("127.255.255.254", AddressClass.Loopback)]
    [InlineData("::1", AddressClass.Loopback)]
    // RFC 1918 and unique-local.
    [InlineData("10.0.0.0", AddressClass.Private)]
    [InlineData("10.255.255.255", AddressClass.Private)]
    [InlineData("192.168.0.1", AddressClass.Private)]
    [InlineData("192.168.255.255", AddressClass.Private)]
    [InlineData("fc00::1", AddressClass.Private)]
    [InlineData("fd12:3456:789a::1", AddressClass.Private)]
    // Link-local.
    [InlineData("169.254.0.1", AddressClass.LinkLocal)]
    [InlineData("169.254.255.255", AddressClass.LinkLocal)]
    [InlineData("fe80::1", AddressClass.LinkLocal)]
    [InlineData("febf:ffff::1", AddressClass.LinkLocal)]
    // Multicast and broadcast.
    [InlineData("224.0.0.1", AddressClass.Multicast)]
    [InlineData("239.255.255.250", AddressClass.Multicast)]
    [InlineData("255.255.255.255", AddressClass.Multicast)]
    [InlineData("ff02::1", AddressClass.Multicast)]
    [InlineData("ff05::1:3", AddressClass.Multicast)]
    // Cloud metadata endpoints.
    [InlineData("169.254.169.254", AddressClass.Metadata)]
    [InlineData("100.100.100.200", AddressClass.Metadata)]
    [InlineData("fd00:ec2::254", AddressClass.Metadata)]
    // Reserved: this-network, future use, protocol assignments, documentation, benchmarking, unspecified.
    [InlineData("0.0.0.0", AddressClass.Reserved)]
    [InlineData("0.1.2.3", AddressClass.Reserved)]
    [InlineData("240.0.0.1", AddressClass.Reserved)]
    [InlineData("255.255.255.254", AddressClass.Reserved)]
    [InlineData("192.0.0.8", AddressClass.Reserved)]
    [InlineData("192.0.2.1", AddressClass.Reserved)]
    [InlineData("198.51.100.7", AddressClass.Reserved)]
    [InlineData("203.0.113.9", AddressClass.Reserved)]
    [InlineData("198.18.0.1", AddressClass.Reserved)]
    [InlineData("198.19.255.255", AddressClass.Reserved)]
    [InlineData("::", AddressClass.Reserved)]
    [InlineData("2001::1", AddressClass.Reserved)]
    [InlineData("64:ff9b:1::a00:1", AddressClass.Reserved)]
    [InlineData("fec0::1", AddressClass.Private)]
    [InlineData("100::1", AddressClass.Reserved)]
    [InlineData("192.88.99.1", AddressClass.Reserved)]
    [InlineData("2001:db8::1", AddressClass.Reserved)]
    [InlineData("::10.0.0.1", AddressClass.Reserved)]
    public void Classify_KnownAddress_ReturnsItsClass(string address, AddressClass expected)
    {
        Assert.Equal(expected, AddressClassifier.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("100.63.255.255", AddressClass.Public)]
    [InlineData("100.64.0.0", AddressClass.Cgnat)]
    [InlineData("100.64.0.1", AddressClass.Cgnat)]
    [InlineData("100.127.255.255", AddressClass.Cgnat)]
    [InlineData("100.128.0.0", AddressClass.Public)]
    public void Classify_CgnatEdges_OnlyInside100Dot64Slash10IsCgnat(string address, AddressClass expected)
    {
        Assert.Equal(expected, AddressClassifier.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("172.15.255.255", AddressClass.Public)]
    [InlineData("172.16.0.0", AddressClass.Private)]
    [InlineData("172.16.0.1", AddressClass.Private)]
    [InlineData("172.31.255.255", AddressClass.Private)]
    [InlineData("172.32.0.0", AddressClass.Public)]
    [InlineData("192.167.255.255", AddressClass.Public)]
    [InlineData("192.169.0.0", AddressClass.Public)]
    [InlineData("9.255.255.255", AddressClass.Public)]
    [InlineData("11.0.0.0", AddressClass.Public)]
    [InlineData("169.253.255.255", AddressClass.Public)]
    [InlineData("169.255.0.0", AddressClass.Public)]
    [InlineData("223.255.255.255", AddressClass.Public)]
    [InlineData("198.17.255.255", AddressClass.Public)]
    [InlineData("198.20.0.0", AddressClass.Public)]
    public void Classify_RangeEdges_OnlyInsideTheRangeIsNonPublic(string address, AddressClass expected)
    {
        Assert.Equal(expected, AddressClassifier.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1", AddressClass.Loopback)]
    [InlineData("::ffff:10.1.2.3", AddressClass.Private)]
    [InlineData("::ffff:172.16.0.1", AddressClass.Private)]
    [InlineData("::ffff:192.168.1.1", AddressClass.Private)]
    [InlineData("::ffff:169.254.169.254", AddressClass.Metadata)]
    [InlineData("::ffff:100.100.100.200", AddressClass.Metadata)]
    [InlineData("::ffff:100.64.0.1", AddressClass.Cgnat)]
    [InlineData("::ffff:0.0.0.0", AddressClass.Reserved)]
    [InlineData("::ffff:8.8.8.8", AddressClass.Public)]
    public void Classify_Ipv4MappedIpv6_ClassifiedAsTheEmbeddedIpv4(string address, AddressClass expected)
    {
        Assert.Equal(expected, AddressClassifier.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("64:ff9b::10.0.0.1", AddressClass.Private)]
    [InlineData("64:ff9b::192.168.0.10", AddressClass.Private)]
    [InlineData("64:ff9b::127.0.0.1", AddressClass.Loopback)]
    [InlineData("64:ff9b::169.254.169.254", AddressClass.Metadata)]
    [InlineData("64:ff9b::100.64.1.1", AddressClass.Cgnat)]
    [InlineData("64:ff9b::8.8.8.8", AddressClass.Public)]
    public void Classify_Nat64WellKnownPrefix_ClassifiedAsTheEmbeddedIpv4(string address, AddressClass expected)
    {
        Assert.Equal(expected, AddressClassifier.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("2002:0a00:0001::1", AddressClass.Private)] // 10.0.0.1
    [InlineData("2002:c0a8:0101::", AddressClass.Private)] // 192.168.1.1
    [InlineData("2002:ac10:0001::5", AddressClass.Private)] // 172.16.0.1
    [InlineData("2002:7f00:0001::1", AddressClass.Loopback)] // 127.0.0.1
    [InlineData("2002:a9fe:a9fe::1", AddressClass.Metadata)] // 169.254.169.254
    [InlineData("2002:0808:0808::1", AddressClass.Public)] // 8.8.8.8
    public void Classify_SixToFour_ClassifiedAsTheEmbeddedIpv4(string address, AddressClass expected)
    {
        Assert.Equal(expected, AddressClassifier.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("fd00:ec2::253", AddressClass.Private)]
    [InlineData("fd00:ec2::1:254", AddressClass.Private)]
    [InlineData("169.254.169.253", AddressClass.LinkLocal)]
    [InlineData("100.100.100.201", AddressClass.Cgnat)]
    public void Classify_NeighboursOfMetadataEndpoints_AreNotMetadata(string address, AddressClass expected)
    {
        Assert.Equal(expected, AddressClassifier.Classify(IPAddress.Parse(address)));
    }
}
